import Books

/// Users' stored notifications (`NotificationsConsumer`).
public protocol NotificationRowStore: Sendable {
    /// Stores the notice journaled at `offset` as `userID`'s notification; answers its id, or
    /// nil when that journal row's notice is already stored (a replay after a crash).
    func insert(in tx: any StoreTransaction, userID: String, text: String, origin: String, offset: Int64, at ms: Int64) throws -> Int64?
}
