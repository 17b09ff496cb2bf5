import Engine
import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSTesting
import NIOCore
@testable import Rooms
import Testing
@testable import Host

/// The review queue of held danmaku: listed, approved (delivered late, marked) or rejected,
/// once each, with who and why.
@Suite("Danmaku review queue")
struct DanmakuReviewTests {
    struct Held: Decodable {
        struct Item: Decodable { let id: Int64; let room: String; let user_id: String; let text: String; let score: Int }
        let held: [Item]
        let next: Int64
    }

    struct Decision: Decodable {
        let held_id: Int64
        let approved: Bool
        let decided_by: String
        let reason: String
        let delivered_id: Int64?
    }

    static let words = #"{"words":[{"word":"sketchy","category":"review","action":"score","score":10}]}"#

    @Test func heldMessagesAreListedThenApprovedLateOrRejectedOnce() async throws {
        let rt = try await RealtimeHost()
        let (op, viewer) = (try rt.token("op-7", .operator), try rt.token("carol"))
        try await rt.live { client in
            try await client.execute(uri: "/v1/admin/moderation/words", method: .put, headers: bearer(op), body: jsonBody(Self.words)) {
                #expect($0.status == .ok)
            }
            let carol = Inbox()
            try await client.session("/v1/rooms/r1/ws?token=\(viewer)", inbox: carol) { out in
                try await out.write(danmakuFrame("sketchy one"))
                try await out.write(danmakuFrame("sketchy two"))
                try await carol.wait("held") { $0.all("error").count == 2 }
            }
            #expect(carol.all("error").compactMap(\.code) == ["held_for_review", "held_for_review"])
            #expect(carol.danmaku.isEmpty)
            var held: Held?
            try await client.execute(uri: "/v1/admin/moderation/review", method: .get, headers: bearer(op)) { response in
                #expect(response.status == .ok)
                held = try JSONDecoder().decode(Held.self, from: Data(buffer: response.body))
            }
            let items = try #require(held).held
            #expect(items.map(\.text) == ["sketchy one", "sketchy two"])
            #expect(items.allSatisfy { $0.room == "r1" && $0.user_id == "carol" && $0.score >= 10 })
            #expect(try #require(held).next == items[1].id)
            // Paging: after the first, only the second.
            try await client.execute(uri: "/v1/admin/moderation/review?since=\(items[0].id)&limit=1", method: .get, headers: bearer(op)) {
                let page = try JSONDecoder().decode(Held.self, from: Data(buffer: $0.body))
                #expect(page.held.map(\.text) == ["sketchy two"])
            }

            let watcher = Inbox()
            try await client.session("/v1/rooms/r1/ws?token=\(try rt.token("dave"))", inbox: watcher) { _ in
                try await client.execute(uri: "/v1/admin/moderation/review/\(items[0].id)", method: .post, headers: bearer(op),
                                         body: jsonBody(#"{"approve":true,"reason":"a joke among friends"}"#)) { response in
                    #expect(response.status == .ok)
                    let d = try JSONDecoder().decode(Decision.self, from: Data(buffer: response.body))
                    #expect(d.held_id == items[0].id && d.approved && d.decided_by == "op-7" && d.reason == "a joke among friends")
                    #expect(d.delivered_id != nil)
                }
                try await watcher.wait("late danmaku") { $0.danmaku == ["sketchy one"] }
            }
            #expect(watcher.all("danmaku").first?.data?.reviewed == true)
            try await client.execute(uri: "/v1/admin/moderation/review/\(items[1].id)", method: .post, headers: bearer(op),
                                     body: jsonBody(#"{"approve":false,"reason":"spam"}"#)) { response in
                #expect(response.status == .ok)
                let d = try JSONDecoder().decode(Decision.self, from: Data(buffer: response.body))
                #expect(!d.approved && d.delivered_id == nil)
            }
            // Each is decided once; both have left the queue; the approved one is in the room's log.
            for id in [items[0].id, items[1].id] {
                try await client.execute(uri: "/v1/admin/moderation/review/\(id)", method: .post, headers: bearer(op),
                                         body: jsonBody(#"{"approve":true,"reason":"again"}"#)) { response in
                    #expect(response.status == .conflict)
                    #expect(String(buffer: response.body).contains("already_decided"))
                }
            }
            let after = try await client.execute(uri: "/v1/admin/moderation/review", method: .get, headers: bearer(op))
            #expect(try JSONDecoder().decode(Held.self, from: Data(buffer: after.body)).held.isEmpty)
            try await client.execute(uri: "/v1/rooms/r1/danmaku?since=0&limit=10", method: .get, headers: bearer(viewer)) {
                #expect(String(buffer: $0.body).contains(#""reviewed":true"#))
                #expect(!String(buffer: $0.body).contains("sketchy two"))
            }
        }
    }

    @Test func badInputAndRolesAreRefused() async throws {
        let rt = try await RealtimeHost()
        let (op, viewer) = (try rt.token("op", .operator), try rt.token("carol"))
        try await rt.live { client in
            try await client.execute(uri: "/v1/admin/moderation/words", method: .put, headers: bearer(op), body: jsonBody(Self.words)) { _ in }
            let carol = Inbox()
            try await client.session("/v1/rooms/r1/ws?token=\(viewer)", inbox: carol) { out in
                try await out.write(danmakuFrame("sketchy"))
                try await carol.wait("held") { !$0.all("error").isEmpty }
            }
            var id: Int64 = 0
            try await client.execute(uri: "/v1/admin/moderation/review", method: .get, headers: bearer(op)) {
                id = try #require(try JSONDecoder().decode(Held.self, from: Data(buffer: $0.body)).held.first).id
            }
            func status(_ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, token: String? = nil) async throws -> (HTTPResponse.Status, String) {
                try await client.execute(uri: uri, method: method, headers: bearer(token ?? op), body: body.map(jsonBody)) {
                    ($0.status, String(buffer: $0.body))
                }
            }
            #expect(try await status(.get, "/v1/admin/moderation/review", token: viewer).0 == .forbidden)
            #expect(try await status(.post, "/v1/admin/moderation/review/\(id)", #"{"approve":true,"reason":"x"}"#, token: viewer).0 == .forbidden)
            // The limit's edges: 1 and 500 pass, 0 and 501 do not; since must be an integer >= 0.
            #expect(try await status(.get, "/v1/admin/moderation/review?limit=1").0 == .ok)
            #expect(try await status(.get, "/v1/admin/moderation/review?limit=500").0 == .ok)
            #expect(try await status(.get, "/v1/admin/moderation/review?limit=0").1.contains("invalid_limit"))
            #expect(try await status(.get, "/v1/admin/moderation/review?limit=501").1.contains("invalid_limit"))
            #expect(try await status(.get, "/v1/admin/moderation/review?limit=x").1.contains("invalid_query"))
            #expect(try await status(.get, "/v1/admin/moderation/review?since=-1").1.contains("invalid_since"))
            #expect(try await status(.get, "/v1/admin/moderation/review?since=99999999999999999999").1.contains("invalid_since"))
            // Ids: not a number, zero, unknown, or an offset that is not a held message.
            #expect(try await status(.post, "/v1/admin/moderation/review/abc", #"{"approve":true,"reason":"x"}"#).1.contains("invalid_id"))
            #expect(try await status(.post, "/v1/admin/moderation/review/0", #"{"approve":true,"reason":"x"}"#).1.contains("invalid_id"))
            #expect(try await status(.post, "/v1/admin/moderation/review/99999999999999999999", #"{"approve":true,"reason":"x"}"#).1.contains("invalid_id"))
            #expect(try await status(.post, "/v1/admin/moderation/review/999999", #"{"approve":true,"reason":"x"}"#).0 == .notFound)
            // Bodies: a reason of 1-200 characters, not blank; nothing else.
            let long = String(repeating: "r", count: 201)
            #expect(try await status(.post, "/v1/admin/moderation/review/\(id)", #"{"approve":true,"reason":"   "}"#).1.contains("invalid_reason"))
            #expect(try await status(.post, "/v1/admin/moderation/review/\(id)", #"{"approve":true,"reason":"\#(long)"}"#).1.contains("invalid_reason"))
            #expect(try await status(.post, "/v1/admin/moderation/review/\(id)", #"{"approve":true}"#).0 == .badRequest)
            #expect(try await status(.post, "/v1/admin/moderation/review/\(id)", #"{"approve":"yes","reason":"x"}"#).0 == .badRequest)
            #expect(try await status(.post, "/v1/admin/moderation/review/\(id)", #"{"approve":true,"reason":"x","by":"me"}"#).0 == .badRequest)
            let edge = String(repeating: "r", count: 200)
            #expect(try await status(.post, "/v1/admin/moderation/review/\(id)", #"{"approve":false,"reason":"\#(edge)"}"#).0 == .ok)
        }
    }
}
