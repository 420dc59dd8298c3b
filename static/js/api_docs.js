// The API docs page: start Swagger UI with the settings in the page's data block. A
// request tried from a signed-in console session carries the CSRF token (bearer and
// API-key requests ignore it).
document.addEventListener("DOMContentLoaded", () => {
  const config = JSON.parse(document.getElementById("swagger-settings").textContent);
  const csrf = document.body.dataset.csrfToken;
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis];
  config.requestInterceptor = (request) => {
    if (csrf) request.headers["X-CSRFToken"] = csrf;
    return request;
  };
  window.ui = SwaggerUIBundle(config);
});
