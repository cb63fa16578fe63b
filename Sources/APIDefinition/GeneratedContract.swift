// This module's types (`Components`, `Operations`) and the server protocol (`APIProtocol`) are
// generated at build time from `openapi.yaml` (symlinked here) by the OpenAPIGenerator plugin,
// configured in `openapi-generator-config.yaml`. Nothing here is written by hand.
