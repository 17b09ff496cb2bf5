import Rooms

extension RoomResolver {
    /// Vanity numbers, then ids. A segment with the shape of a number (`RoomNumberRules`:
    /// 3-9 digits, no leading zero) is looked up in the number table first; when no room holds
    /// that number, it is read as a room id, so a room whose id is all digits stays reachable
    /// by its id. The two never disagree: a number equal to another room's id cannot be
    /// assigned or listed, and a room cannot be created with the id of a held number.
    public static func idsAndNumbers(_ directory: RoomDirectory, _ numbers: RoomNumbers) -> RoomResolver {
        RoomResolver { segment in
            if let id = try await numbers.roomID(holding: segment) { return try await directory.room(id: id) }
            return try await room(id: segment, directory)
        }
    }
}
