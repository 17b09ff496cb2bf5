import Books
import EngineCore
import Rooms

/// The parts of the signed partner API, built together by `EngineParts.open`.
public struct PartnerAPI: Sendable {
    /// Registered partners and request authentication.
    public let registry: Partners
    /// Debits and refunds.
    public let orders: PartnerOrders
    /// Daily statements.
    public let statements: PartnerStatements
    /// System messages to users and rooms.
    public let messages: PartnerMessages

    /// - Parameters: the partners' store, the orders (which move money in the ledger's
    ///   transaction, over the storage layer's `PartnerOrderStore`), the journal, rooms, buses,
    ///   calendar and clock.
    public init(
        partners: any PartnerStore, orders: PartnerOrders, journal: any JournalStore, rooms: RoomDirectory, bus: RoomBus,
        users: UserBus, calendar: OperationsCalendar, clock: any WallClock
    ) {
        registry = Partners(store: partners, clock: clock)
        self.orders = orders
        statements = PartnerStatements(store: partners, calendar: calendar)
        messages = PartnerMessages(journal: journal, rooms: rooms, bus: bus, users: users, clock: clock)
    }
}
