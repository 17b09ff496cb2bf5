import Engine
import EngineTesting
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing
@testable import Host

@Suite("Help me play goods")
struct GoodsTests {
    struct Good: Decodable { let id: Int64; let state: String; let score: Int64; let matched: [String]; let reason: String? }
    struct List: Decodable { let goods: [Good] }
    struct ErrorBody: Decodable { let error: String; let message: String }
    struct Patrol: Decodable { let rescored: Int; let delisted: [Int64] }

    static func body(title: String = "Rank boost", details: String = "Gold to platinum", extra: String = "") -> ByteBuffer {
        jsonBody(#"{"title":"\#(title)","game":"chess","region":"eu","price_tickets":30,"details":"\#(details)"\#(extra)}"#)
    }

    static let words = #"{"words":[{"word":"cheat","weight":60},{"word":"boost","weight":10},{"word":"account","weight":25}],"reject_threshold":60,"review_threshold":30}"#

    @Test("review: below listed, between in review, above refused with the terms; operators decide; patrol delists and notifies")
    func review() async throws {
        let clock = ManualClock()
        let e = try await EngineHost(clock: clock)
        let s = try e.token(.streamer, user: "s1")
        let v = try e.token(.viewer, user: "v1")
        let ops = try e.token(.operator, user: "ops")
        try await e.test { client in
            for bad in [#"{"words":[{"word":"x","weight":0}],"reject_threshold":60,"review_threshold":30}"#,
                        #"{"words":[],"reject_threshold":30,"review_threshold":30}"#,
                        #"{"words":[{"word":"a","weight":1},{"word":"A","weight":2}],"reject_threshold":60,"review_threshold":30}"#,
                        #"{"words":[{"word":"a","weight":1,"x":1}],"reject_threshold":60,"review_threshold":30}"#] {
                let r = try await client.execute(uri: "/v1/admin/goods/words", method: .put, headers: bearer(ops), body: jsonBody(bad))
                #expect(r.status == .badRequest, "\(bad)")
            }
            #expect(try await client.execute(uri: "/v1/admin/goods/words", method: .put, headers: bearer(ops), body: jsonBody(Self.words)).status == .ok)
            let listed = try await client.execute(uri: "/v1/streamers/me/goods", method: .post, headers: bearer(s), body: Self.body()).json(Good.self)
            #expect(listed.state == "listed" && listed.score == 10 && listed.matched == ["boost"])
            let waits = try await client.execute(uri: "/v1/streamers/me/goods", method: .post, headers: bearer(s),
                body: Self.body(title: "Account boost", details: "on your account")).json(Good.self)
            #expect(waits.state == "in_review" && waits.score == 35)
            let refused = try await client.execute(uri: "/v1/streamers/me/goods", method: .post, headers: bearer(s), body: Self.body(details: "I CHEAT"))
            #expect(refused.status == .unprocessableContent)
            let error = try refused.json(ErrorBody.self)
            #expect(error.error == "goods_rejected" && error.message.contains("cheat"))
            let public1 = try await client.execute(uri: "/v1/streamers/s1/goods", method: .get, headers: bearer(v)).json(List.self)
            #expect(public1.goods.map(\.id) == [listed.id])
            let queue = try await client.execute(uri: "/v1/admin/goods/review", method: .get, headers: bearer(ops)).json(List.self)
            #expect(queue.goods.map(\.id) == [waits.id])
            let approved = try await client.execute(uri: "/v1/admin/goods/\(waits.id)/review", method: .post, headers: bearer(ops),
                body: jsonBody(#"{"approve":true,"reason":"fine"}"#)).json(Good.self)
            #expect(approved.state == "listed")
            let again = try await client.execute(uri: "/v1/admin/goods/\(waits.id)/review", method: .post, headers: bearer(ops),
                body: jsonBody(#"{"approve":false,"reason":"late"}"#))
            #expect(again.status == .conflict)
            // Patrol: "boost" now weighs 70, over the reject threshold: both listed goods go.
            let stricter = Self.words.replacingOccurrences(of: #""weight":10"#, with: #""weight":70"#)
            let patrol = try await client.execute(uri: "/v1/admin/goods/words", method: .put, headers: bearer(ops), body: jsonBody(stricter)).json(Patrol.self)
            #expect(patrol.rescored == 2 && Set(patrol.delisted) == [listed.id, waits.id])
            let after = try await client.execute(uri: "/v1/streamers/s1/goods", method: .get, headers: bearer(v)).json(List.self)
            #expect(after.goods.isEmpty)
            let mine = try await client.execute(uri: "/v1/streamers/me/goods", method: .get, headers: bearer(s)).json(List.self)
            #expect(mine.goods.allSatisfy { $0.state == "delisted" && ($0.reason ?? "").contains("boost") })
            for _ in 0..<3 { _ = try await e.engine.consumers.drain() }
            struct Page: Decodable { let unread: Int64 }
            #expect(try await client.execute(uri: "/v1/notifications", method: .get, headers: bearer(s)).json(Page.self).unread == 2)
        }
    }

    @Test("owners only; private offers reach their viewer until they end; every bad field is a 400")
    func ownershipAndOffers() async throws {
        let clock = ManualClock()
        let e = try await EngineHost(clock: clock)
        let s = try e.token(.streamer, user: "s1")
        let other = try e.token(.streamer, user: "s2")
        let v = try e.token(.viewer, user: "v1")
        let v2 = try e.token(.viewer, user: "v2")
        try await e.test { client in
            let viewerSells = try await client.execute(uri: "/v1/streamers/me/goods", method: .post, headers: bearer(v), body: Self.body())
            #expect(viewerSells.status == .forbidden)
            let end = clock.nowMillis() + 60_000
            let offer = try await client.execute(uri: "/v1/streamers/me/goods", method: .post, headers: bearer(s),
                body: Self.body(extra: #","for_viewer":"v1","offer_expires_at":\#(end)"#)).json(Good.self)
            #expect(try await client.execute(uri: "/v1/users/me/offers", method: .get, headers: bearer(v)).json(List.self).goods.map(\.id) == [offer.id])
            #expect(try await client.execute(uri: "/v1/users/me/offers", method: .get, headers: bearer(v2)).json(List.self).goods.isEmpty)
            #expect(try await client.execute(uri: "/v1/streamers/s1/goods", method: .get, headers: bearer(v2)).json(List.self).goods.isEmpty)
            clock.advance(byMillis: 60_000)
            #expect(try await client.execute(uri: "/v1/users/me/offers", method: .get, headers: bearer(v)).json(List.self).goods.isEmpty)
            let foreign = try await client.execute(uri: "/v1/streamers/me/goods/\(offer.id)", method: .put, headers: bearer(other), body: Self.body())
            #expect(foreign.status == .notFound)
            let foreignDelist = try await client.execute(uri: "/v1/streamers/me/goods/\(offer.id)", method: .delete, headers: bearer(other))
            #expect(foreignDelist.status == .notFound)
            let delisted = try await client.execute(uri: "/v1/streamers/me/goods/\(offer.id)", method: .delete, headers: bearer(s)).json(Good.self)
            #expect(delisted.state == "delisted")
            let back = try await client.execute(uri: "/v1/streamers/me/goods/\(offer.id)", method: .put, headers: bearer(s), body: Self.body()).json(Good.self)
            #expect(back.state == "listed")
            let bad: [(ByteBuffer, String)] = [
                (Self.body(title: ""), "invalid_title"),
                (jsonBody(#"{"title":"t","game":"chess","region":"eu","price_tickets":0,"details":""}"#), "invalid_price_tickets"),
                (jsonBody(#"{"title":"t","game":"chess","region":"eu","price_tickets":1000001,"details":""}"#), "invalid_price_tickets"),
                (Self.body(extra: #","stock":-1"#), "invalid_stock"),
                (Self.body(extra: #","for_viewer":"s1","offer_expires_at":\#(end + 1_000_000)"#), "invalid_for_viewer"),
                (Self.body(extra: #","for_viewer":"v1","offer_expires_at":1"#), "invalid_offer_expires_at"),
                (Self.body(extra: #","for_viewer":"v1""#), "invalid_offer_expires_at"),
                (Self.body(extra: #","offer_expires_at":99999999999999"#), "invalid_offer_expires_at"),
                (Self.body(extra: #","price":1"#), "unknown_field"),
                (jsonBody(#"{"title":"t","game":"chess","region":"eu","price_tickets":99999999999999999999,"details":""}"#), "invalid_field"),
            ]
            for (body, code) in bad {
                let r = try await client.execute(uri: "/v1/streamers/me/goods", method: .post, headers: bearer(s), body: body)
                #expect(r.status == .badRequest, "\(code)")
                #expect(try r.json(ErrorBody.self).error == code)
            }
            for path in ["/v1/streamers/me/goods/0", "/v1/streamers/me/goods/abc", "/v1/streamers/me/goods/99999999999999999999"] {
                let r = try await client.execute(uri: path, method: .delete, headers: bearer(s))
                #expect(r.status == .badRequest, "\(path)")
            }
            #expect(try await client.execute(uri: "/v1/streamers/me/goods/999", method: .delete, headers: bearer(s)).status == .notFound)
        }
    }
}
