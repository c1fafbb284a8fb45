"""AWS access for every service: one client factory, DynamoDB helpers, the resource manifest."""
