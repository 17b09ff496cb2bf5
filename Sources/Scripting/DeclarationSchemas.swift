/// The shape of each kind's declaration, per `docs/scripting.md`. Domains that arrive later
/// refine their kind's schema here; the loader, the validator and the stubs all read it.
public enum DeclarationSchemas {
    /// Journal events a handler in `on = { ... }` may subscribe to.
    public static let events = [
        "gift", "danmaku", "enter", "follow", "topup", "task_completed",
        "privilege_bought", "privilege_expired", "queue_joined", "queue_left", "order_changed", "tick", "watch",
    ]

    static let handlers = FieldSpec.map(.function, keys: events)
    static let common: [RecordSpec.Field] = [
        .init("id", .identifier, required: true, "unique within the kind"),
        .init("title", .string(maxLength: 100), "shown to operators and viewers"),
        .init("description", .string(maxLength: 2_000)),
    ]

    /// The schema for a kind.
    public static func schema(for kind: ScriptKind) -> RecordSpec {
        switch kind {
        case .activity: activity
        case .task: task
        case .giftStep: giftStep
        case .queueGate: queueGate
        case .orderMachine: orderMachine
        case .settlementPolicy: settlementPolicy
        case .moderation: moderationRule
        }
    }

    static let leaderboard = RecordSpec("LeaderboardDeclaration", [
        .init("order", .oneOf(["desc", "asc"]), "ranking direction (default desc)"),
        .init("reset", .oneOf(["never", "daily", "weekly", "monthly", "window"]), "period (default never)"),
        .init("title", .string(maxLength: 100)),
        .init("members_max", .integer(min: 1, max: 10_000_000), "most members kept"),
    ])

    static let activity = RecordSpec("ActivityDeclaration", common + [
        .init("starts_at", .timestamp, "ISO 8601 with offset; absent: always on"),
        .init("ends_at", .timestamp),
        .init("leaderboards", .map(.record(leaderboard), maxCount: 64)),
        .init("chests", .map(.record(chest), maxCount: 32), "chests opened by ctx.chest progress"),
        .init("wheels", .map(.record(wheel), maxCount: 32), "wheels spun by viewers for a cost"),
        .init("config", .any, "operator parameters readable with ctx.config"),
        .init("on", handlers, "event handlers"),
        .init("on_end", .function, "runs once when the window closes"),
        .init("on_period_end", .function, "runs once per closed leaderboard period"),
    ])

    static let stage = RecordSpec("TaskStage", [
        .init("goal", .integer(min: 1, max: 1_000_000_000_000), required: true),
        .init("rewards", .list(.any, maxCount: 16), "{ asset_or_kind, amount_or_name } pairs"),
        .init("title", .string(maxLength: 100)),
    ])

    static let task = RecordSpec("TaskDeclaration", common + [
        .init("repeats", .oneOf(["once", "daily", "weekly"]), "default once"),
        .init("stages", .list(.record(stage), maxCount: 1_000), required: true),
        .init("starts_at", .timestamp),
        .init("ends_at", .timestamp),
        .init("on", handlers),
    ])

    static let giftStep = RecordSpec("GiftStepDeclaration", common + [
        .init("order", .integer(min: 0, max: 1_000_000), required: true, "position in the chain"),
        .init("gifts", .list(.identifier), "gift ids this step applies to; absent: all"),
        .init("config", .any),
        .init("validate", .function, "inside the send transaction: may refuse or adjust the price"),
        .init("after_commit", .function, "after the gift is durable, from the journal"),
        .init("on_refund", .function, "reverses what after_commit granted"),
    ])

    static let gateParam = RecordSpec("GateParameter", [
        .init("type", .oneOf(["integer", "string", "boolean"]), required: true),
        .init("min", .integer()),
        .init("max", .integer()),
        .init("default", .any),
        .init("title", .string(maxLength: 100)),
    ])

    static let queueGate = RecordSpec("QueueGateDeclaration", common + [
        .init("params", .map(.record(gateParam), maxCount: 32)),
        .init("check", .function, required: true, "returns true, or false and a reason"),
    ])

    static let orderState = RecordSpec("OrderState", [
        .init("code", .integer(min: 0, max: 1_000_000), required: true, "internal code"),
        .init("external", .string(maxLength: 40), required: true, "code shown to partners"),
        .init("viewer", .string(maxLength: 200), "text for the viewer"),
        .init("streamer", .string(maxLength: 200), "text for the streamer"),
        .init("final", .boolean),
        .init("settle", .oneOf(["post", "void"]), "what happens to the held payment"),
    ])

    static let orderTransition = RecordSpec("OrderTransition", [
        .init("from", .list(.identifier, maxCount: 64), required: true),
        .init("to", .identifier, required: true),
        .init("by", .list(.oneOf(["viewer", "streamer", "operator", "system"]), maxCount: 4), required: true),
    ])

    static let orderTimeout = RecordSpec("OrderTimeout", [
        .init("after", .duration, required: true),
        .init("fire", .identifier, required: true, "a transition name"),
    ])

    static let orderMachine = RecordSpec("OrderMachineDeclaration", common + [
        .init("initial", .identifier, required: true),
        .init("states", .map(.record(orderState), maxCount: 64), required: true),
        .init("transitions", .map(.record(orderTransition), maxCount: 128), required: true),
        .init("timeouts", .map(.record(orderTimeout), maxCount: 64)),
        .init("fee_bp", .integer(min: 0, max: 10_000),
            "the platform's share of a posted order, in basis points, rounded down (default 0)"),
        .init("on_transition", .function, "on_transition(ctx, order, change): runs in the change's transaction"),
    ])

    static let moderationRule = RecordSpec("ModerationRuleDeclaration", common + [
        .init("order", .integer(min: 0, max: 1_000_000), required: true, "position among the rules"),
        .init("config", .any),
        .init("check", .function, required: true,
            "check(ctx, danmaku): true to pass, false and a reason to block, or { text = ... } to rewrite"),
    ])

    static let settlementPolicy = RecordSpec("SettlementPolicyDeclaration", common + [
        .init("streamer", .function, "streamer(ctx, month): { base_salary, bonus, revenue_share, subsidy, note } for one streamer's month"),
        .init("guild", .function, "guild(ctx, month): { share, parts = { [streamer_id] = n }, summary } for one guild's month"),
        .init("valid_day_minutes", .integer(min: 1, max: 1_440), "continuous live minutes that make a valid day (default 60)"),
        .init("config", .any),
    ])
}

extension DeclarationSchemas {
    static let weightedReward = RecordSpec("WeightedReward", [
        .init("weight", .integer(min: 1, max: 1_000_000_000), required: true, "relative odds"),
        .init("reward", .list(.any, maxCount: 3), required: true, "{ \"coins\", 10 } | { \"badge\", name } | { \"item\", name, n }"),
    ])

    static let chest = RecordSpec("ChestDeclaration", [
        .init("threshold", .integer(min: 1, max: 1_000_000_000_000), required: true, "progress that opens one chest"),
        .init("rewards", .list(.record(weightedReward), maxCount: 100), required: true, "weighted; one is paid per chest"),
        .init("title", .string(maxLength: 100)),
    ])

    static let wheel = RecordSpec("WheelDeclaration", [
        .init("cost", .integer(min: 0, max: 1_000_000_000), required: true, "price of one spin"),
        .init("asset", .identifier, "what a spin costs (default coins)"),
        .init("rewards", .list(.record(weightedReward), maxCount: 100), required: true, "weighted; one is paid per spin"),
        .init("title", .string(maxLength: 100)),
    ])

    /// Rewards of chests, wheels and task stages must parse.
    static func rewardsCheck(_ d: LuaTable) -> String? {
        for key in ["chests", "wheels"] {
            for (name, c) in (d.fields[key]?.table?.fields ?? [:]).sorted(by: { $0.key < $1.key }) {
                if case .failure(let e) = WeightedReward.parseList(c["rewards"]) { return "\(key).\(name).\(e.message)" }
            }
        }
        for (i, stage) in (d.fields["stages"]?.table?.array ?? []).enumerated() {
            for (j, r) in (stage["rewards"].table?.array ?? []).enumerated() {
                if case .failure(let e) = Reward.parse(r) { return "stages[\(i + 1)].rewards[\(j + 1)]: \(e.message)" }
            }
        }
        return nil
    }
}
