"""HTTP faces of Qingdan: REST controllers, the GraphQL schema, auth, errors, the CLI."""
