import Engine
import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import NIOCore
import NIOWebSocket
@testable import Rooms
import Testing
@testable import Host

@Suite("Realtime moderation and limits")
struct RealtimeModerationTests {
    func json(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    @Test func anonymousRateLimitMuteAndFilterGetErrorFrames() async throws {
        var limits = DanmakuLimits()
        limits.userBurst = 2
        let rt = try await RealtimeHost(danmaku: limits)
        let (viewer, streamer, op) = (try rt.token("carol"), try rt.token("s1", .streamer), try rt.token("op", .operator))
        try await rt.live { client in
            let words = #"{"words":[{"word":"spam","category":"ads","action":"block","score":0},{"word":"darn","category":"mild","action":"mask","score":0}]}"#
            try await client.execute(uri: "/v1/admin/moderation/words", method: .put, headers: bearer(op), body: json(words)) {
                #expect($0.status == .ok)
            }
            // An unknown key inside a rule is refused like one at the top, naming its path.
            let sloppy = #"{"words":[{"word":"spam","category":"ads","action":"block","score":0,"weight":9}]}"#
            try await client.execute(uri: "/v1/admin/moderation/words", method: .put, headers: bearer(op), body: json(sloppy)) {
                #expect($0.status == .badRequest)
                #expect(String(buffer: $0.body).contains(#""error":"unknown_field""#))
                #expect(String(buffer: $0.body).contains("words.0.weight"))
            }
            // Lengths count Unicode scalars, as the contract's maxLength does: "q🏻" is one
            // character to the eye and two scalars. 31 of them plus "q🏻" is 33 scalars (refused),
            // plus "q" 32 (kept); leading blanks count too.
            for (word, status) in [
                (String(repeating: "x", count: 31) + "q🏻", HTTPResponse.Status.badRequest),
                (String(repeating: " ", count: 2) + String(repeating: "x", count: 31), .badRequest),
                (String(repeating: "x", count: 31) + "q", .ok),
            ] {
                let body = #"{"words":[{"word":"\#(word)","category":"ads","action":"block","score":0}]}"#
                try await client.execute(uri: "/v1/admin/moderation/words", method: .put, headers: bearer(op), body: json(body)) {
                    #expect($0.status == status, "\(word.unicodeScalars.count) scalars")
                }
            }
            try await client.execute(uri: "/v1/admin/moderation/words", method: .put, headers: bearer(op), body: json(words)) {
                #expect($0.status == .ok)
            }
            let anonymous = Inbox()
            try await client.session("/v1/rooms/r1/ws", inbox: anonymous) { out in
                try await out.write(danmakuFrame("hi"))
                try await anonymous.wait("error") { !$0.all("error").isEmpty }
            }
            #expect(anonymous.all("error").first?.code == "not_allowed")
            let carol = Inbox()
            try await client.session("/v1/rooms/r1/ws?token=\(viewer)", inbox: carol) { out in
                for text in ["spam!", "oh darn", "two", "three"] { try await out.write(danmakuFrame(text)) }
                try await carol.wait("refusals") { $0.all("error").count == 3 && $0.danmaku.count == 1 }
            }
            // Rate limits come before the filter, so the blocked message spent a token too.
            #expect(carol.all("error").compactMap(\.code) == ["blocked_word", "rate_limited", "rate_limited"])
            #expect(carol.danmaku == ["oh ****"])
            try await client.execute(uri: "/v1/rooms/r1/mutes", method: .post, headers: bearer(viewer),
                                     body: json(#"{"user_id":"carol","seconds":60}"#)) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/v1/rooms/r1/mutes", method: .post, headers: bearer(streamer),
                                     body: json(#"{"user_id":"dave","seconds":60}"#)) { #expect($0.status == .noContent) }
            let dave = Inbox()
            try await client.session("/v1/rooms/r1/ws?token=\(try rt.token("dave"))", inbox: dave) { out in
                try await out.write(danmakuFrame("let me speak"))
                try await dave.wait("muted") { !$0.all("error").isEmpty }
            }
            #expect(dave.all("error").first?.code == "muted")
            try await client.execute(uri: "/v1/rooms/r1/danmaku?since=0&limit=10", method: .get, headers: bearer(viewer)) { response in
                let page = try JSONDecoder().decode(LogPage.self, from: Data(buffer: response.body))
                #expect(page.items.map(\.text) == ["oh ****"])
            }
        }
    }

    struct LogPage: Decodable {
        struct Item: Decodable { let text: String; let user_id: String; let id: Int64 }
        let items: [Item]
        let next: Int64
    }

    @Test func oversizeAndInvalidFramesGetErrorsThenRepeatedViolationsClose() async throws {
        var limits = RealtimeLimits()
        limits.frameBytesMax = 64
        limits.invalidFramesMax = 4
        let rt = try await RealtimeHost(limits: limits)
        try await rt.live { client in
            let inbox = Inbox()
            let close = try await client.ws("/v1/rooms/r1/ws?token=\(try rt.token("erin"))") { inbound, out, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await inbox.read(inbound) }
                    try await inbox.wait("hello") { !$0.all("hello").isEmpty }
                    try await out.write(.text(String(repeating: "x", count: 65)))
                    try await out.write(.text("{not json"))
                    try await out.write(.custom(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(bytes: [0x7B, 0xFF, 0x7D]))))
                    try await out.write(.text(#"{"type":"ping"}"#))
                    try await inbox.wait("pong") { !$0.all("pong").isEmpty }
                    try await out.write(.text(#"{"type":"nope"}"#))
                    try await group.waitForAll()
                }
            }
            #expect(inbox.all("error").compactMap(\.code) == ["frame_too_large", "invalid_json", "invalid_utf8", "invalid_frame"])
            #expect(inbox.all("pong").first?.online == 1)
            #expect(close?.closeCode == .policyViolation)
        }
    }

    @Test func fragmentedMessagesAreJoinedAndBinaryFramesRefused() async throws {
        let rt = try await RealtimeHost()
        try await rt.live { client in
            let inbox = Inbox()
            let close = try await client.session("/v1/rooms/r1/ws?token=\(try rt.token("fay"))", inbox: inbox) { out in
                // One message in three frames: text (not final), continuation, final continuation.
                try await out.write(.custom(WebSocketFrame(fin: false, opcode: .text, data: ByteBuffer(string: #"{"ty"#))))
                try await out.write(.custom(WebSocketFrame(fin: false, opcode: .continuation, data: ByteBuffer(string: #"pe":"pi"#))))
                try await out.write(.custom(WebSocketFrame(fin: true, opcode: .continuation, data: ByteBuffer(string: #"ng"}"#))))
                try await inbox.wait("pong") { !$0.all("pong").isEmpty }
                try await out.write(.binary(ByteBuffer(bytes: [0x7B, 0x7D])))
                try await inbox.wait("error") { !$0.all("error").isEmpty }
                // Still served after one violation.
                try await out.write(.text(#"{"type":"ping"}"#))
                try await inbox.wait("second pong") { $0.all("pong").count == 2 }
            }
            #expect(inbox.all("error").compactMap(\.code) == ["invalid_frame"])
            #expect(close?.closeCode == .normalClosure)
        }
    }

    @Test func broadcastReachesEveryRoomAndNoticeOnlyOne() async throws {
        let rt = try await RealtimeHost()
        let op = try rt.token("op", .operator)
        try await rt.live { client in
            let one = Inbox(), two = Inbox()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (room, inbox) in [("r1", one), ("r2", two)] {
                    group.addTask {
                        try await client.session("/v1/rooms/\(room)/ws", inbox: inbox) { _ in
                            try await inbox.wait("broadcast") { !$0.all("broadcast").isEmpty }
                        }
                    }
                }
                try await one.wait("both joined") { _ in !one.all("hello").isEmpty && !two.all("hello").isEmpty }
                try await client.execute(uri: "/v1/admin/rooms/r1/notices", method: .post, headers: bearer(op),
                                         body: ByteBuffer(string: #"{"text":"r1 only"}"#)) { #expect($0.status == .ok) }
                try await client.execute(uri: "/v1/admin/broadcasts", method: .post, headers: bearer(op),
                                         body: ByteBuffer(string: #"{"text":"hello all"}"#)) { #expect($0.status == .ok) }
                try await group.waitForAll()
            }
            #expect(one.types().filter { $0 != "hello" } == ["notice", "broadcast"])
            #expect(two.types().filter { $0 != "hello" } == ["broadcast"])
        }
    }
}
