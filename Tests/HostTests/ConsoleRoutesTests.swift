import Engine
@testable import EngineCore
import EngineTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Rooms
import Testing
@testable import Host

/// The console's HTML pages and assets, and the admin routes added for it: any user's wallet,
/// and a script file's source.
@Suite("Console pages and their admin routes")
struct ConsoleRoutesTests {
    struct Balances: Decodable { let balances: [String: Int64] }
    struct Page: Decodable {
        struct Transfer: Decodable { let id: String; let amount: Int64; let memo: String }
        let transfers: [Transfer]
        let next_cursor: String?
    }
    struct Source: Decodable { let generation: String; let path: String; let text: String }

    @Test func everyPageIsHTMLWithTheNavigationAndNoTokenIsNeeded() async throws {
        let host = try TestHost()
        try await host.test { client in
            for path in ["/console"] + ConsoleRoutes.pages.map({ "/console/\($0.slug)" }) {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok, "\(path)")
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                    #expect(response.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("default-src 'self'") == true)
                    let html = String(buffer: response.body)
                    #expect(html.hasPrefix("<!doctype html>"))
                    #expect(html.contains(#"<script src="/console/assets/console.js" defer></script>"#))
                    #expect(html.contains("showrunner token issue"))
                    for page in ConsoleRoutes.pages { #expect(html.contains(#"href="/console/\#(page.slug)""#)) }
                    // Every form field has a label.
                    for id in Self.fieldIDs(html) { #expect(html.contains(#"for="\#(id)""#), "\(path): #\(id) has no label") }
                }
            }
            try await client.execute(uri: "/console/scripts", method: .get) {
                #expect(String(buffer: $0.body).contains(#"<a href="/console/scripts" aria-current="page">Scripts</a>"#))
            }
            let unknown = try await client.execute(uri: "/console/no-such-page", method: .get)
            #expect(unknown.status == .notFound)
            #expect(try unknown.json(ErrorBody.self).error == "page_not_found")
        }
    }

    @Test func assetsAreServedAndUnknownOnesAre404() async throws {
        let host = try TestHost()
        try await host.test { client in
            try await client.execute(uri: "/console/assets/console.js", method: .get) {
                #expect($0.status == .ok)
                #expect($0.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(String(buffer: $0.body).contains("'/v1/whoami'"))
            }
            try await client.execute(uri: "/console/assets/console.css", method: .get) {
                #expect($0.headers[.contentType] == "text/css; charset=utf-8")
            }
            let secrets = try await client.execute(uri: "/console/assets/secrets.txt", method: .get)
            #expect(secrets.status == .notFound)
            #expect(try secrets.json(ErrorBody.self).error == "asset_not_found")
        }
    }

    @Test func theRoomPageEscapesItsRoomAndChecksItsShape() async throws {
        let host = try TestHost()
        try await host.test { client in
            try await client.execute(uri: "/rooms/lobby", method: .get) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains(#"data-page="room" data-room="lobby""#))
                #expect(html.contains("<title>Room lobby · Showrunner</title>"))
                #expect(!html.contains(#"id="sign-in""#), "the console's sign-in is not on the room page")
            }
            let edge = String(repeating: "a", count: ConsoleRoutes.roomSegmentMax)
            try await client.execute(uri: "/rooms/\(edge)", method: .get) { #expect($0.status == .ok) }
            for bad in [edge + "a", "%3Cscript%3E", "a.b", "a%22b"] {
                let response = try await client.execute(uri: "/rooms/\(bad)", method: .get)
                #expect(response.status == .badRequest, "\(bad)")
                #expect(try response.json(ErrorBody.self).error == "invalid_room")
            }
        }
    }

    @Test func templatesRenderWithEscaping() throws {
        let html = try ConsoleRoutes.render(page: "room", title: "Room <b>&", room: "x\"y")
        #expect(html.contains("Room &lt;b&gt;&amp;"))
        #expect(html.contains(#"data-room="x&quot;y""#))
        for name in ConsoleTemplates.all.keys where name != "layout" {
            #expect(try ConsoleRoutes.render(page: name, title: name).contains("</html>"))
        }
    }

    @Test func operatorsLookUpAnyWalletAndItsHistory() async throws {
        let e = try await EngineHost()
        let (op, viewer) = (try e.token(.operator, user: "ops"), try e.token(.viewer, user: "v5"))
        try await e.test { client in
            for n in 1...3 {
                let body = jsonBody(#"{"asset":"coins","amount":\#(n * 10),"reason":"prize \#(n)","idempotency_key":"k\#(n)"}"#)
                #expect(try await client.execute(uri: "/v1/admin/wallets/v5/grants", method: .post, headers: bearer(op), body: body).status == .created)
            }
            let wallet = try await client.execute(uri: "/v1/admin/wallets/v5", method: .get, headers: bearer(op)).json(Balances.self)
            #expect(wallet.balances["coins"] == 60)
            let first = try await client.execute(uri: "/v1/admin/wallets/v5/transfers?limit=2", method: .get, headers: bearer(op)).json(Page.self)
            #expect(first.transfers.map(\.memo) == ["prize 3", "prize 2"])
            let cursor = try #require(first.next_cursor)
            let rest = try await client.execute(uri: "/v1/admin/wallets/v5/transfers?limit=2&cursor=\(cursor)", method: .get, headers: bearer(op)).json(Page.self)
            #expect(rest.transfers.map(\.memo) == ["prize 1"])
            // Limits' edges, bad ids, roles.
            #expect(try await client.execute(uri: "/v1/admin/wallets/v5/transfers?limit=200", method: .get, headers: bearer(op)).status == .ok)
            #expect(try await client.execute(uri: "/v1/admin/wallets/v5/transfers?limit=201", method: .get, headers: bearer(op)).status == .badRequest)
            #expect(try await client.execute(uri: "/v1/admin/wallets/v5/transfers?limit=0", method: .get, headers: bearer(op)).status == .badRequest)
            #expect(try await client.execute(uri: "/v1/admin/wallets/v5/transfers?limit=x", method: .get, headers: bearer(op)).status == .badRequest)
            let long = String(repeating: "u", count: 65)
            for bad in [long, "a%20b", "a:b"] {
                let response = try await client.execute(uri: "/v1/admin/wallets/\(bad)", method: .get, headers: bearer(op))
                #expect(try response.json(ErrorBody.self).error == "invalid_user_id", "\(bad)")
                #expect(try await client.execute(uri: "/v1/admin/wallets/\(bad)/transfers", method: .get, headers: bearer(op)).status == .badRequest)
            }
            #expect(try await client.execute(uri: "/v1/admin/wallets/\(String(repeating: "u", count: 64))", method: .get, headers: bearer(op)).status == .ok)
            #expect(try await client.execute(uri: "/v1/admin/wallets/v5", method: .get, headers: bearer(viewer)).status == .forbidden)
            #expect(try await client.execute(uri: "/v1/admin/wallets/v5/transfers", method: .get, headers: bearer(viewer)).status == .forbidden)
        }
    }

    @Test func operatorsReadTheSourceOfAServingFile() async throws {
        let e = try await EngineHost()
        let (op, viewer) = (try e.token(.operator, user: "ops"), try e.token(.viewer, user: "v5"))
        try await e.test { client in
            let file = try await client.execute(uri: "/v1/admin/scripts/source?path=activities/probe.lua", method: .get, headers: bearer(op)).json(Source.self)
            #expect(file.path == "activities/probe.lua" && file.text.contains("return 1") && !file.generation.isEmpty)
            let missing = try await client.execute(uri: "/v1/admin/scripts/source?path=activities/nope.lua", method: .get, headers: bearer(op))
            #expect(missing.status == .notFound)
            #expect(try missing.json(ErrorBody.self).error == "script_file_not_found")
            for uri in ["/v1/admin/scripts/source", "/v1/admin/scripts/source?path="] {
                let bad = try await client.execute(uri: uri, method: .get, headers: bearer(op))
                #expect(bad.status == .badRequest)
                #expect(try bad.json(ErrorBody.self).error == "invalid_path")
            }
            #expect(try await client.execute(uri: "/v1/admin/scripts/source?path=activities/probe.lua", method: .get, headers: bearer(viewer)).status == .forbidden)
        }
    }

    /// The ids of the page's inputs, selects and text areas.
    static func fieldIDs(_ html: String) -> [String] {
        var ids: [String] = []
        for tag in ["<input ", "<select ", "<textarea "] {
            var rest = Substring(html)
            while let start = rest.range(of: tag) {
                let after = rest[start.upperBound...]
                let end = after.firstIndex(of: ">") ?? after.endIndex
                let element = after[..<end]
                if let id = element.range(of: #"id=""#) {
                    ids.append(String(element[id.upperBound...].prefix { $0 != "\"" }))
                }
                rest = after[end...]
            }
        }
        return ids
    }
}
