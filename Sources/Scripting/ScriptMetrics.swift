import Metrics

/// Script counters, named once here.
enum ScriptMetrics {
    static let calls = Counter(label: "showrunner.scripts.calls")

    static func record(_ failure: ScriptFailure) {
        Counter(label: "showrunner.scripts.errors", dimensions: [("reason", failure.code)]).increment()
        if failure.isBudgetKill {
            Counter(label: "showrunner.scripts.budget_kills", dimensions: [("reason", failure.code)]).increment()
        }
    }

    static func reload(ok: Bool) {
        Counter(label: "showrunner.scripts.reloads", dimensions: [("result", ok ? "ok" : "rejected")]).increment()
    }
}
