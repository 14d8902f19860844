"""REST controllers: thin translations between HTTP and ``core`` services."""
