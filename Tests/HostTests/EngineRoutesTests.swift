import Engine
import EngineTesting
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import Rooms
import Testing
@testable import Host

@Suite("Engine routes")
struct EngineRoutesTests {
    struct ScriptsView: Decodable {
        struct Decl: Decodable { let kind: String; let id: String; let handlers: [String] }
        let generation: String?
        let files: [String]
        let declarations: [Decl]
    }

    struct Report: Decodable { let ok: Bool; let generation: String?; let problems: [Problem] }
    struct Problem: Decodable { let path: String; let line: Int?; let message: String }
    struct Rejected: Decodable { let error: String; let message: String; let report: Report }

    @Test("GET /v1/admin/scripts shows the generation; viewers are refused")
    func scriptsOverview() async throws {
        let e = try await EngineHost()
        let op = try e.token(.operator)
        let viewer = try e.token(.viewer)
        try await e.test { client in
            let view = try await client.execute(uri: "/v1/admin/scripts", method: .get, headers: bearer(op)).json(ScriptsView.self)
            #expect(view.generation?.count == 64)
            #expect(view.files == ["activities/probe.lua"])
            #expect(view.declarations.map(\.id) == ["probe"])
            #expect(view.declarations.first?.handlers == ["on.gift"])
            let refused = try await client.execute(uri: "/v1/admin/scripts", method: .get, headers: bearer(viewer))
            #expect(refused.status == .forbidden)
        }
    }

    @Test("reload: 200 with the new hash, 422 with every problem and the old generation kept")
    func reloadRoute() async throws {
        let e = try await EngineHost()
        let op = try e.token(.admin)
        let before = e.engine.scripts.current?.hash
        try e.folder.write(["activities/probe.lua": ScriptSamples.activity("return 2")])
        try await e.test { client in
            let ok = try await client.execute(uri: "/v1/admin/scripts/reload", method: .post, headers: bearer(op)).json(Report.self)
            #expect(ok.ok && ok.generation != before)
            try e.folder.write(["activities/bad.lua": "return activity { id = 'x', bogus = true }"])
            let response = try await client.execute(uri: "/v1/admin/scripts/reload", method: .post, headers: bearer(op))
            #expect(response.status == .unprocessableContent)
            let rejected = try response.json(Rejected.self)
            #expect(rejected.error == "scripts_invalid")
            #expect(rejected.report.problems.count == 1)
            #expect(rejected.report.problems.first?.line == 1)
            #expect(rejected.report.generation == ok.generation)
            #expect(e.engine.scripts.current?.hash == ok.generation)
        }
    }

    @Test("rollback: to the previous, to a named generation, 409 with nothing before, 404 unknown")
    func rollbackRoute() async throws {
        let e = try await EngineHost()
        let op = try e.token(.operator)
        let first = try #require(e.engine.scripts.current?.hash)
        try await e.test { client in
            let nothing = try await client.execute(uri: "/v1/admin/scripts/rollback", method: .post, headers: bearer(op))
            #expect(nothing.status == .conflict)
            #expect(try nothing.json(ErrorBody.self).error == "no_previous_generation")
            try e.folder.write(["activities/probe.lua": ScriptSamples.activity("return 2")])
            _ = try await client.execute(uri: "/v1/admin/scripts/reload", method: .post, headers: bearer(op))
            let back = try await client.execute(uri: "/v1/admin/scripts/rollback", method: .post, headers: bearer(op)).json(Report.self)
            #expect(back.generation == first)
            let named = try await client.execute(
                uri: "/v1/admin/scripts/rollback", method: .post, headers: bearer(op), body: jsonBody(#"{"generation":"\#(first)"}"#))
            #expect(named.status == .ok)
            let unknown = try await client.execute(
                uri: "/v1/admin/scripts/rollback", method: .post, headers: bearer(op), body: jsonBody(#"{"generation":"abc"}"#))
            #expect(unknown.status == .notFound)
            let bad = try await client.execute(
                uri: "/v1/admin/scripts/rollback", method: .post, headers: bearer(op), body: jsonBody(#"{"gen":"abc"}"#))
            #expect(try bad.json(ErrorBody.self).error == "unknown_field")
        }
    }

    @Test("rooms: create 201, duplicate 409, bad field 400, viewer 403, get 200 and 404")
    func roomRoutes() async throws {
        let e = try await EngineHost()
        let op = try e.token(.operator)
        let viewer = try e.token(.viewer)
        let body = #"{"id":"r1","streamer_id":"s1","title":"Room","category":"chat"}"#
        try await e.test { client in
            let created = try await client.execute(uri: "/v1/admin/rooms", method: .post, headers: bearer(op), body: jsonBody(body))
            #expect(created.status == .created)
            let again = try await client.execute(uri: "/v1/admin/rooms", method: .post, headers: bearer(op), body: jsonBody(body))
            #expect(again.status == .conflict)
            let badID = try await client.execute(uri: "/v1/admin/rooms", method: .post, headers: bearer(op),
                body: jsonBody(#"{"id":"Bad Id","streamer_id":"s1","title":"Room","category":"chat"}"#))
            #expect(badID.status == .badRequest)
            let missing = try await client.execute(uri: "/v1/admin/rooms", method: .post, headers: bearer(op),
                body: jsonBody(#"{"id":"r2","title":"Room","category":"chat"}"#))
            #expect(try missing.json(ErrorBody.self).error == "invalid_field")
            let refused = try await client.execute(uri: "/v1/admin/rooms", method: .post, headers: bearer(viewer), body: jsonBody(body))
            #expect(refused.status == .forbidden)
            let got = try await client.execute(uri: "/v1/rooms/r1", method: .get, headers: bearer(viewer))
            #expect(got.status == .ok)
            #expect(got.text.contains(#""streamer_id":"s1""#))
            let none = try await client.execute(uri: "/v1/rooms/nope", method: .get, headers: bearer(viewer))
            #expect(none.status == .notFound)
        }
    }

    @Test("a profile is created on a user's first authenticated request")
    func profileOnFirstUse() async throws {
        let e = try await EngineHost()
        let token = try e.token(.viewer, user: "newcomer")
        try await e.test { client in
            _ = try await client.execute(uri: "/v1/whoami", method: .get, headers: bearer(token))
            _ = try await client.execute(uri: "/v1/whoami", method: .get, headers: bearer(token))
        }
        let count = try await e.engine.store.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM profiles WHERE user_id = 'newcomer'")
        }
        #expect(count == 1)
    }

    @Test("journal: parked list validates its query; retry of an unknown id is 404")
    func journalRoutes() async throws {
        let e = try await EngineHost()
        let op = try e.token(.operator)
        try await e.test { client in
            let list = try await client.execute(uri: "/v1/admin/journal/parked", method: .get, headers: bearer(op))
            #expect(list.text == #"{"parked":[]}"#)
            let bad = try await client.execute(uri: "/v1/admin/journal/parked?limit=0", method: .get, headers: bearer(op))
            #expect(bad.status == .badRequest)
            let badStatus = try await client.execute(uri: "/v1/admin/journal/parked?status=zzz", method: .get, headers: bearer(op))
            #expect(badStatus.status == .badRequest)
            let retry = try await client.execute(uri: "/v1/admin/journal/parked/99/retry", method: .post, headers: bearer(op))
            #expect(retry.status == .notFound)
            let notInt = try await client.execute(uri: "/v1/admin/journal/parked/x/retry", method: .post, headers: bearer(op))
            #expect(notInt.status == .badRequest)
        }
    }
}
