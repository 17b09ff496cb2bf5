import Engine
import EngineCore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import Rooms

/// The operator console (`GET /console`, `/console/{page}`) and the viewer's room page
/// (`GET /rooms/{room}`): HTML shells rendered from the Mustache templates in
/// `ConsoleTemplates`, plus their stylesheet and script (`/console/assets/...`).
///
/// The pages hold no data and need no token: a page's script signs in with a token the person
/// types (or `?token=`), keeps it in the tab's session storage, and calls the JSON API with it.
/// Every action is therefore an ordinary `/v1` or `/v1/admin` call under that token's role: the
/// console grants nothing the API does not. Nothing is fetched from elsewhere at run time.
///
/// These HTML routes are not part of the JSON contract (`docs/openapi.yaml`); `pagePaths`
/// names them for the contract test.
struct ConsoleRoutes: RouteArea {
    /// One page of the console: its path segment, its navigation label and its heading.
    struct Page: Sendable {
        let slug: String
        let label: String
        let title: String
    }

    /// The console's pages, in navigation order. Domains that land later add theirs here.
    static let pages: [Page] = [
        Page(slug: "scripts", label: "Scripts", title: "Scripts"),
        Page(slug: "liveops", label: "Live ops", title: "Live ops"),
        Page(slug: "money", label: "Money", title: "Money"),
        Page(slug: "moderation", label: "Moderation", title: "Moderation"),
        Page(slug: "queues", label: "Queues", title: "Queues"),
        Page(slug: "goods", label: "Goods review", title: "Goods review"),
        Page(slug: "orders", label: "Orders", title: "Orders"),
        Page(slug: "settlement", label: "Settlement", title: "Settlement"),
    ]

    /// Longest room segment the room page accepts (room ids are at most 64 characters).
    static let roomSegmentMax = 64

    /// The HTML and asset routes, as `"METHOD /path"`: outside the OpenAPI contract.
    static let pagePaths: Set<String> = [
        "GET /console", "GET /console/{page}", "GET /console/assets/{file}", "GET /rooms/{room}",
    ]

    /// The parsed templates, made once.
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in ConsoleTemplates.all {
            // The templates are constants of this file's module, covered by tests: a parse
            // error is a programming error.
            guard let template = try? MustacheTemplate(string: text) else { fatalError("console template \(name) does not parse") }
            library.register(template, named: name)
        }
        return library
    }()

    /// What the layout template renders.
    struct View {
        struct NavItem {
            let href: String
            let label: String
            let current: Bool
        }

        let title: String
        let page: String
        let console: Bool
        let nav: [NavItem]
        let room: String
    }

    func addRoutes(to routes: AppRoutes) {
        routes.root.get("console") { _, _ in
            try Self.html(Self.render(page: "home", title: "Console"))
        }
        routes.root.get("console/:page") { _, context in
            let slug = try context.parameters.require("page")
            guard let page = Self.pages.first(where: { $0.slug == slug }) else {
                throw RequestError("page_not_found", .notFound, "no console page '\(slug.prefix(40))'")
            }
            return try Self.html(Self.render(page: page.slug, title: page.title))
        }
        routes.root.get("console/assets/:file") { _, context in
            let file = try context.parameters.require("file")
            guard let asset = ConsoleAssets.files[file] else {
                throw RequestError("asset_not_found", .notFound, "no console asset '\(file.prefix(40))'")
            }
            var headers = HTTPFields()
            headers[.contentType] = asset.contentType
            headers[.cacheControl] = "no-cache"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: asset.text)))
        }
        routes.root.get("rooms/:room") { _, context in
            let room = try context.parameters.require("room")
            guard !room.isEmpty, room.count <= Self.roomSegmentMax,
                room.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" })
            else {
                throw RequestError("invalid_room", .badRequest, "a room is 1-\(Self.roomSegmentMax) of [A-Za-z0-9_-]")
            }
            return try Self.html(Self.render(page: "room", title: "Room \(room)", room: room))
        }
    }

    /// Renders `page` inside the layout.
    static func render(page: String, title: String, room: String = "") throws -> String {
        let console = page != "room"
        let view = View(
            title: title, page: page, console: console,
            nav: console ? pages.map { .init(href: "/console/\($0.slug)", label: $0.label, current: $0.slug == page) } : [],
            room: room)
        guard let html = library.render(view, withTemplate: page) else {
            throw RequestError("page_not_found", .notFound, "no page '\(page)'")
        }
        return html
    }

    static func html(_ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        // The pages' scripts and styles are this server's own; nothing from elsewhere.
        headers[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; frame-ancestors 'none'"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
