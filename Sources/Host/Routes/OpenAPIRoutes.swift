import Hummingbird

/// `GET /openapi.yaml` (public): the OpenAPI 3.1 document of every route. Its source is
/// `docs/openapi.yaml`, embedded in the binary as `OpenAPIDocument.text` by `make openapi`.
struct OpenAPIRoutes: RouteArea {
    /// The document's bytes, made once.
    static let body = ByteBuffer(string: OpenAPIDocument.text)

    func addRoutes(to routes: AppRoutes) {
        routes.root.get("openapi.yaml") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/yaml; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: Self.body))
        }
    }
}
