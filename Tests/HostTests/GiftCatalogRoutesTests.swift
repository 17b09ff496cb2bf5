import Engine
import EngineTesting
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import Rooms
import Testing
@testable import Host

@Suite("Gift catalog routes")
struct GiftCatalogRoutesTests {
    struct GiftList: Decodable {
        struct G: Decodable { let id: String; let version: Int64; let price_coins: Int64; let count_max: Int64 }
        let gifts: [G]
    }

    @Test("PUT fills every default, versions each edit, and rooms list what they offer")
    func putAndList() async throws {
        let e = try await EngineHost()
        _ = try await e.engine.rooms.create(NewRoom(id: "r1", streamerID: "s1", title: "R1", category: "music"))
        _ = try await e.engine.rooms.create(NewRoom(id: "r2", streamerID: "s2", title: "R2", category: "games"))
        let op = try e.token(.operator)
        let viewer = try e.token(.viewer)
        try await e.test { client in
            let rose = try await client.execute(uri: "/v1/admin/gifts/rose", method: .put, headers: bearer(op),
                body: jsonBody(#"{"name":"Rose","price_coins":10}"#))
            #expect(rose.status == .ok)
            #expect(rose.text.contains(#""split":{"guild_bp":1000,"platform_bp":4000,"streamer_bp":5000}"#))
            #expect(rose.text.contains(#""scope":{"kind":"all","values":[]}"#))
            #expect(rose.text.contains(#""count_max":9999"#))
            let again = try await client.execute(uri: "/v1/admin/gifts/rose", method: .put, headers: bearer(op),
                body: jsonBody(#"{"name":"Rose","price_coins":12}"#))
            #expect(again.text.contains(#""version":2"#))
            _ = try await client.execute(uri: "/v1/admin/gifts/guitar", method: .put, headers: bearer(op),
                body: jsonBody(#"{"name":"Guitar","price_coins":500,"categories":["music"]}"#))
            let inMusic = try await client.execute(uri: "/v1/rooms/r1/gifts", method: .get, headers: bearer(viewer)).json(GiftList.self)
            #expect(inMusic.gifts.map(\.id) == ["rose", "guitar"])
            let inGames = try await client.execute(uri: "/v1/rooms/r2/gifts", method: .get, headers: bearer(viewer)).json(GiftList.self)
            #expect(inGames.gifts.map(\.id) == ["rose"])
            let noRoom = try await client.execute(uri: "/v1/rooms/zz/gifts", method: .get, headers: bearer(viewer))
            #expect(noRoom.status == .notFound)
        }
    }

    @Test(
        "bad edits are 400 with the field named, and change nothing",
        arguments: [
            (#"{"name":"","price_coins":10}"#, "invalid_name"),
            (#"{"name":"Rose","price_coins":0}"#, "invalid_price_coins"),
            (#"{"name":"Rose","price_coins":-5}"#, "invalid_price_coins"),
            (#"{"name":"Rose","price_coins":100000001}"#, "invalid_price_coins"),
            (#"{"name":"Rose","price_coins":10,"split":{"streamer_bp":5000,"guild_bp":1000,"platform_bp":3999}}"#, "invalid_split"),
            (#"{"name":"Rose","price_coins":10,"split":{"streamer_bp":11000,"guild_bp":-1000,"platform_bp":0}}"#, "invalid_split"),
            (#"{"name":"Rose","price_coins":10,"split":{"streamer_bp":9223372036854775807,"guild_bp":1,"platform_bp":0}}"#, "invalid_split"),
            (#"{"name":"Rose","price_coins":10,"effect_asset":"gold"}"#, "invalid_effect_asset"),
            (#"{"name":"Rose","price_coins":10,"count_max":0}"#, "invalid_count_max"),
            (#"{"name":"Rose","price_coins":10,"rooms":["a"],"categories":["b"]}"#, "invalid_rooms"),
            (#"{"name":"Rose","price_coins":10,"rooms":[]}"#, "invalid_rooms"),
            (#"{"name":"Rose","price_coins":10,"enabled_from":10,"enabled_until":5}"#, "invalid_enabled_until"),
            (#"{"name":"Rose","price_coins":10,"combo_window_seconds":3601}"#, "invalid_combo_window_seconds"),
            (#"{"name":"Rose","price_coins":10,"colour":"red"}"#, "unknown_field"),
            (#"{"name":"Rose","price_coins":10,"split":{"streamer_bp":5000,"guild_bp":1000,"platform_bp":4000,"bonus_bp":1}}"#, "unknown_field"),
            (#"{"name":"Rose","price_coins":10,"split":{"streamer_bp":5000,"guild_bp":1000,"platform_bp":4000,"streamer_bp":6000}}"#, "duplicate_field"),
            (#"{"name":"Rose"}"#, "invalid_field"),
            (#"{"name":"Rose","price_coins":"ten"}"#, "invalid_field"),
            (#"not json"#, "malformed_json"),
        ])
    func badEdits(_ body: String, _ code: String) async throws {
        let e = try await EngineHost()
        let op = try e.token(.operator)
        try await e.test { client in
            let r = try await client.execute(uri: "/v1/admin/gifts/rose", method: .put, headers: bearer(op), body: jsonBody(body))
            #expect(r.status == .badRequest)
            #expect(try r.json(ErrorBody.self).error == code)
        }
        #expect(try await e.engine.gifts.all().isEmpty)
    }

    @Test("a bad gift id is refused and viewers cannot edit")
    func idAndRole() async throws {
        let e = try await EngineHost()
        try await e.test { client in
            let bad = try await client.execute(uri: "/v1/admin/gifts/Bad%20Id", method: .put, headers: bearer(try e.token(.admin)),
                body: jsonBody(#"{"name":"Rose","price_coins":10}"#))
            #expect(bad.status == .badRequest)
            let viewer = try await client.execute(uri: "/v1/admin/gifts/rose", method: .put, headers: bearer(try e.token(.viewer)),
                body: jsonBody(#"{"name":"Rose","price_coins":10}"#))
            #expect(viewer.status == .forbidden)
        }
    }
}
