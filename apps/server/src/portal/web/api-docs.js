// Swagger UI for the API's OpenAPI document (/api/docs-json), from files served by the app itself.
// validatorUrl: null — Swagger UI would otherwise send the document to a public validator.
/* global SwaggerUIBundle, SwaggerUIStandalonePreset */
window.ui = SwaggerUIBundle({
  url: '/api/docs-json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  withCredentials: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
});
