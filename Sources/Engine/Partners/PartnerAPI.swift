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

    /// - Parameters: the engine's store, ledger, rooms, buses, calendar and clock.
    public init(
        store: Store, ledger: Ledger, rooms: RoomDirectory, bus: RoomBus, users: UserBus, calendar: OperationsCalendar,
        clock: any WallClock
    ) {
        registry = Partners(store: store, clock: clock)
        orders = PartnerOrders(store: store, ledger: ledger, clock: clock)
        statements = PartnerStatements(store: store, calendar: calendar)
        messages = PartnerMessages(store: store, rooms: rooms, bus: bus, users: users, clock: clock)
    }
}
