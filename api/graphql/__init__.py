"""The GraphQL face: same services, same permission checks as REST."""
