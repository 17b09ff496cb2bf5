@testable import Rooms
import Testing
@testable import Engine

@Suite struct RoomsValidationTests {
    static let base = NewRoom(id: "r1", streamerID: "s1", title: "t", category: "c")

    static func with(_ change: (inout NewRoom) -> Void) -> NewRoom {
        var new = base
        change(&new)
        return new
    }

    static let rejected: [(NewRoom, String)] = [
        (with { $0.id = "" }, "invalid_room_id"),
        (with { $0.id = String(repeating: "a", count: 65) }, "invalid_room_id"),
        (with { $0.id = "Room" }, "invalid_room_id"),
        (with { $0.id = "-room" }, "invalid_room_id"),
        (with { $0.id = "_room" }, "invalid_room_id"),
        (with { $0.id = "room 1" }, "invalid_room_id"),
        (with { $0.id = "room!" }, "invalid_room_id"),
        (with { $0.id = "café" }, "invalid_room_id"),
        (with { $0.streamerID = "" }, "invalid_streamer_id"),
        (with { $0.streamerID = String(repeating: "S", count: 65) }, "invalid_streamer_id"),
        (with { $0.streamerID = "bad id" }, "invalid_streamer_id"),
        (with { $0.streamerID = "ünï" }, "invalid_streamer_id"),
        (with { $0.title = "" }, "invalid_title"),
        (with { $0.title = String(repeating: "x", count: 101) }, "invalid_title"),
        (with { $0.title = "   " }, "invalid_title"),
        (with { $0.title = "two\nlines" }, "invalid_title"),
        (with { $0.category = "" }, "invalid_category"),
        (with { $0.category = String(repeating: "c", count: 41) }, "invalid_category"),
        (with { $0.category = "\t" }, "invalid_category"),
    ]

    @Test(arguments: rejected)
    func rejectsABadField(_ new: NewRoom, code: String) {
        #expect { try RoomRules.check(new) } throws: { error in
            let error = error as? RoomError
            return error?.code == code && error?.kind == .badRequest
        }
    }

    static let accepted: [NewRoom] = [
        with { $0.id = "a" },
        with { $0.id = "0" + String(repeating: "a", count: 63) },
        with { $0.id = "9_-x" },
        with { $0.streamerID = String(repeating: "S", count: 64) },
        with { $0.streamerID = "A-b_9" },
        with { $0.title = String(repeating: "x", count: 100) },
        with { $0.title = String(repeating: "🎉", count: 100) },
        with { $0.title = "弹幕 night" },
        with { $0.category = String(repeating: "c", count: 40) },
    ]

    @Test(arguments: accepted)
    func acceptsTheEdges(_ new: NewRoom) throws {
        try RoomRules.check(new)
    }
}
