import Foundation

extension Settlement {
    /// The month's reports: every statement as CSV, the guild summary as CSV, and an HTML page
    /// with the tables and a chart of the month's daily revenue (inline SVG, nothing fetched).
    /// - Throws: `RequestError` 400 `invalid_month`.
    public func report(month: String) async throws -> SettlementReport {
        let m = try Self.parse(month)
        let month = String(format: "%04d-%02d", m.year, m.month)
        let days = SettlementCalendar.days(of: m)
        let (current, daily): (SettlementMonth, [String: Int64]) = try await store.read { tx in
            let daily = try tx.dailyRevenue(from: days[0], through: days[days.count - 1])
            return (try tx.settlementMonth(month), daily)
        }
        return Self.render(current, days: days, daily: daily)
    }

    static let streamerParts = ["base_salary", "bonus", "revenue_share", "subsidy", "adjustments"]

    static func csv(_ field: String) -> String {
        // Formula-leading characters are quoted with a leading apostrophe (spreadsheet injection).
        var f = field
        if let c = f.first, "=+-@".contains(c), Int64(f) == nil { f = "'" + f }
        guard f.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return f }
        return "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func html(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func render(_ m: SettlementMonth, days: [String], daily: [String: Int64]) -> SettlementReport {
        var statements = "month,state,streamer_id,guild_id,revenue," + streamerParts.joined(separator: ",") + ",total,payout,withdrawn,inputs_hash,policy_generation\n"
        var guilds = "month,state,guild_id,revenue,share,adjustments,total,payout,members,summary\n"
        var streamerRows = "", guildRows = ""
        for s in m.statements {
            if s.ownerKind == "streamer" {
                let parts = streamerParts.map { String(s.parts[$0] ?? 0) }
                statements += ([m.month, m.state.rawValue, csv(s.ownerID), csv(s.guildID ?? ""), String(s.revenue)] + parts
                    + [String(s.total), String(s.payout), String(s.withdrawn ?? 0), s.inputsHash, s.policyGeneration]).joined(separator: ",") + "\n"
                streamerRows += "<tr><td>\(html(s.ownerID))</td><td>\(html(s.guildID ?? ""))</td><td>\(s.revenue)</td>"
                    + parts.map { "<td>\($0)</td>" }.joined() + "<td>\(s.total)</td><td>\(s.payout)</td></tr>\n"
            } else {
                let members = (s.memberParts ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                guilds += [m.month, m.state.rawValue, csv(s.ownerID), String(s.revenue), String(s.parts["share"] ?? 0), String(s.parts["adjustments"] ?? 0),
                    String(s.total), String(s.payout), csv(members), csv(s.note ?? "")].joined(separator: ",") + "\n"
                guildRows += "<tr><td>\(html(s.ownerID))</td><td>\(s.revenue)</td><td>\(s.parts["share"] ?? 0)</td><td>\(s.parts["adjustments"] ?? 0)</td>"
                    + "<td>\(s.total)</td><td>\(s.payout)</td><td>\(html(members))</td><td>\(html(s.note ?? ""))</td></tr>\n"
            }
        }
        let page = """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>Settlement \(m.month)</title>
            <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}</style>
            </head><body>
            <h1>Settlement \(m.month)</h1>
            <p>State: \(m.state.rawValue). Policy generation: \(html(m.policyGeneration ?? "none")). Inputs: \(html(m.inputsHash ?? "none")).</p>
            <h2>Revenue per day</h2>
            \(chart(days: days, daily: daily))
            <h2>Streamers</h2>
            <table><tr><th>streamer</th><th>guild</th><th>revenue</th>\(streamerParts.map { "<th>\($0)</th>" }.joined())<th>total</th><th>payout</th></tr>
            \(streamerRows)</table>
            <h2>Guilds</h2>
            <table><tr><th>guild</th><th>revenue</th><th>share</th><th>adjustments</th><th>total</th><th>payout</th><th>members</th><th>summary</th></tr>
            \(guildRows)</table>
            </body></html>

            """
        return SettlementReport(statementsCSV: statements, guildsCSV: guilds, html: page)
    }

    /// A bar per day, scaled to the month's largest day.
    static func chart(days: [String], daily: [String: Int64]) -> String {
        let (width, height, bar) = (24 * days.count + 40, 220, 20)
        let top = max(1, days.map { daily[$0] ?? 0 }.max() ?? 1)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height + 30)\" role=\"img\" aria-label=\"revenue per day\">\n"
        for (i, day) in days.enumerated() {
            let v = max(0, daily[day] ?? 0)
            let h = Int(Double(v) / Double(top) * Double(height))
            let x = 30 + i * 24
            svg += "<rect x=\"\(x)\" y=\"\(height - h)\" width=\"\(bar)\" height=\"\(h)\" fill=\"#4a7\"><title>\(day): \(v)</title></rect>"
            svg += "<text x=\"\(x + bar / 2)\" y=\"\(height + 14)\" font-size=\"9\" text-anchor=\"middle\">\(day.suffix(2))</text>\n"
        }
        svg += "<text x=\"0\" y=\"10\" font-size=\"9\">\(top)</text></svg>"
        return svg
    }
}
