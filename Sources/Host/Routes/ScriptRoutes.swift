import Engine
import EngineCore
import Foundation
import Hummingbird
import Scripting

/// `/v1/admin/scripts`: what runs, reload, rollback. Operators and admins only.
struct ScriptRoutes: RouteArea {
    let scripts: ScriptRuntime

    /// Most archived generations listed.
    static let historyMax = 20

    struct DeclarationView: Encodable {
        let kind: String
        let id: String
        let title: String?
        let path: String
        let handlers: [String]
    }

    struct Overview: Encodable {
        let generation: String?
        let files: [String]
        let declarations: [DeclarationView]
        let lastReload: ReloadReport?
        let history: [GenerationRecord]
    }

    /// Body of `GET /v1/admin/scripts/source`.
    struct Source: Encodable {
        let generation: String
        let path: String
        let text: String
    }

    struct Rollback: StrictDecodable {
        static let allowedKeys: Set<String> = ["generation"]
        let generation: String?
    }

    struct Rejected: Encodable {
        let error = "scripts_invalid"
        let message: String
        let report: ReloadReport
    }

    func addRoutes(to routes: AppRoutes) {
        routes.staff.get("scripts") { _, _ in
            let g = scripts.current
            let overview = Overview(
                generation: g?.hash, files: g?.files.map(\.path) ?? [],
                declarations: (g?.declarations ?? []).map {
                    DeclarationView(kind: $0.kind.constructor, id: $0.id, title: $0.title, path: $0.path, handlers: $0.handlers)
                },
                lastReload: scripts.lastReload,
                history: try await scripts.archive.recent(limit: Self.historyMax))
            return try JSONBody.response(overview)
        }
        routes.staff.get("scripts/source") { request, _ in
            guard let path = request.uri.queryParameters.get("path"), !path.isEmpty else {
                throw RequestError("invalid_path", .badRequest, "name a file of the live generation with ?path=")
            }
            guard let g = scripts.current, let file = g.files.first(where: { $0.path == path }) else {
                throw RequestError("script_file_not_found", .notFound, "the live generation has no file '\(path.prefix(200))'")
            }
            return try JSONBody.response(Source(generation: g.hash, path: file.path, text: file.text))
        }
        routes.staff.post("scripts/reload") { _, _ in
            try Self.respond(await scripts.reload(trigger: "api"))
        }
        routes.staff.post("scripts/rollback") { request, context in
            // An empty body means "the previous generation".
            let buffer = try await request.body.collect(upTo: context.requestBodyBytesMax)
            let body = buffer.readableBytes == 0
                ? Rollback(generation: nil) : try StrictJSON.decode(Rollback.self, from: Data(buffer.readableBytesView))
            return try Self.respond(try await scripts.rollback(to: body.generation))
        }
    }

    /// 200 with the report, or 422 `scripts_invalid` with every problem in `report.problems`.
    static func respond(_ report: ReloadReport) throws -> Response {
        if report.ok { return try JSONBody.response(report) }
        let message = report.problems.map(\.description).joined(separator: "\n")
        return try JSONBody.response(Rejected(message: message, report: report), status: .unprocessableContent)
    }
}
