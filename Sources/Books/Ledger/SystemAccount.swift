/// The platform's own accounts: the sources and sinks of money, which may go negative.
public enum SystemAccount: String, Sendable, Hashable, CaseIterable, Codable {
    /// Money paid in through payment providers, not yet settled: the source of top-ups.
    case paymentClearing = "payment_clearing"
    /// The source of promotional grants.
    case promotions
    /// The platform's share of spending.
    case platformFees = "platform_fees"
    /// Guild shares accrued before settlement.
    case guildShares = "guild_shares"
    /// Money owed to or by partners (payouts, exchanges).
    case partnerClearing = "partner_clearing"
    /// Coins spent on gifts that became streamer and guild revenue (the coin side of that revenue).
    case giftClearing = "gift_clearing"
    /// The source of `revenue`: its balance is minus all revenue ever issued.
    case revenueIssuance = "revenue_issuance"
    /// Tickets paid for "help me play" orders once posted (the ticket side of the revenue they
    /// became; the platform's fee moves on to `platform_fees`).
    case orderClearing = "order_clearing"
    /// The source of settlement payouts (base salaries, bonuses, subsidies, adjustments) and
    /// the sink of what a statement takes back.
    case settlementPayouts = "settlement_payouts"
}
