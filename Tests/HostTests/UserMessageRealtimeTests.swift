import Engine
import Foundation
import HummingbirdTesting
@testable import Rooms
import Testing
@testable import Host

@Suite struct UserMessageRealtimeTests {
    @Test("a message for one user reaches each of that user's sockets, in every room, and no one else's")
    func reachesOnlyThatUser() async throws {
        let rt = try await RealtimeHost()
        let (ta, tb) = (try rt.token("alice"), try rt.token("bob"))
        try await rt.live { client in
            let a1 = Inbox(), a2 = Inbox(), b = Inbox()
            @Sendable func noticed(_ inbox: Inbox) -> Bool { !inbox.all("notice").isEmpty }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (path, inbox) in [("/v1/rooms/r1/ws?token=\(ta)", a1), ("/v1/rooms/r2/ws?token=\(ta)", a2)] {
                    group.addTask {
                        try await client.session(path, inbox: inbox) { _ in try await inbox.wait("the notice") { noticed($0) } }
                    }
                }
                group.addTask {
                    try await client.session("/v1/rooms/r1/ws?token=\(tb)", inbox: b) { _ in
                        try await b.wait("alice's notices") { _ in noticed(a1) && noticed(a2) }
                    }
                }
                group.addTask {
                    try await b.wait("everyone's hello") { _ in [a1, a2, b].allSatisfy { !$0.all("hello").isEmpty } }
                    let reached = rt.users.deliver(userID: "alice", event: try RoomEvent(.notice, payload: ["text": "you won"]), atMillis: 7)
                    #expect(reached == 2)
                }
                try await group.waitForAll()
            }
            for inbox in [a1, a2] {
                let notice = try #require(inbox.all("notice").first)
                #expect(notice.data?.text == "you won" && notice.room == nil && notice.offset == nil)
            }
            #expect(b.all("notice").isEmpty)
        }
        #expect(rt.users.deliver(userID: "alice", event: try RoomEvent(.notice, payload: ["text": "late"]), atMillis: 8) == 0)
    }
}
