@testable import Engine
import EngineTesting
import Foundation
@testable import Scripting
import Testing

/// A script that makes one library function do unbounded work in C.
struct LibraryAttack: Sendable, CustomTestStringConvertible {
    let name: String
    /// The handler body (line 6 of the file is its first line).
    let body: String
    /// Where the kill may be reported: the line of the call that must be stopped, or also line 6
    /// when the attack runs a metamethod defined there (the hook may notice the budget inside it).
    let lines: ClosedRange<Int>
    /// The attack also grows the heap (a sort writes what its `__index` made up into the
    /// table): with the deadline as the only time budget, the memory budget may stop it first
    /// on a fast machine.
    let allocates: Bool

    var testDescription: String { name }

    init(name: String, body: String, line: Int, alsoInMetamethod: Bool = false, allocates: Bool = false) {
        self.name = name
        self.body = body
        self.lines = (alsoInMetamethod ? 6 : line)...line
        self.allocates = allocates
    }

    static let all: [LibraryAttack] = [
        .init(name: "find with a backtracking pattern", body: """
            local s = string.rep('a', 1e5)
            return string.find(s, '(.-)*b')
            """, line: 7),
        .init(name: "match with a backtracking pattern", body: """
            local s = string.rep('a', 1e5)
            return string.match(s, '(.-)*b')
            """, line: 7),
        .init(name: "gmatch with a backtracking pattern", body: """
            local s = string.rep('a', 1e5)
            for x in string.gmatch(s, '(.-)*b') do end
            """, line: 7),
        .init(name: "gsub with a backtracking pattern", body: """
            local s = string.rep('a', 1e5)
            return string.gsub(s, '(.-)*b', 'x')
            """, line: 7),
        .init(name: "a method call s:find", body: """
            local s = string.rep('a', 1e5)
            return s:find('(.-)*b')
            """, line: 7),
        .init(name: "a quadratic plain find", body: """
            local s, needle = string.rep('a', 1e6), string.rep('a', 1e4) .. 'b'
            return string.find(s, needle, 1, true)
            """, line: 7),
        .init(name: "%b over a long unbalanced run, again and again", body: """
            local s = string.rep('(', 1e5) .. string.rep(')', 1e5 - 1)
            while true do s:find('%b()') end
            """, line: 7),
        .init(name: "table.move over 1e12 elements", body: """
            local t = {}
            table.move(t, 1, 1e12, 1)
            """, line: 7),
        .init(name: "table.insert under a __len of 2^40", body: """
            local t = setmetatable({}, { __len = function() return 2^40 end })
            table.insert(t, 1, 'x')
            """, line: 7),
        .init(name: "table.remove under a __len of 2^40", body: """
            local t = setmetatable({}, { __len = function() return 2^40 end })
            table.remove(t, 1)
            """, line: 7),
        .init(name: "table.sort under a huge __len", body: """
            local t = setmetatable({}, { __len = function() return 2^31 - 2 end, __index = function(_, i) return -i end })
            table.sort(t)
            """, line: 7, alsoInMetamethod: true, allocates: true),
        .init(name: "table.concat under a __len of 2^40", body: """
            local t = setmetatable({}, { __len = function() return 2^40 end, __index = function() return '' end })
            return table.concat(t)
            """, line: 7, alsoInMetamethod: true),
        .init(name: "utf8.len over 32 MiB in a loop", body: """
            local s = string.rep(utf8.char(0x4e2d), (16 << 20) // 3) s = s .. s
            while true do local n = utf8.len(s) end
            """, line: 7),
        .init(name: "the utf8.codes iterator skipping 32 MiB of continuation bytes", body: """
            local s = string.rep('\\x80', 16 << 20) s = s .. s local step = utf8.codes('')
            while true do step(s, 0) end
            """, line: 7),
        .init(name: "string.upper over 8 MiB in a loop", body: """
            local s = string.rep('a', 8 << 20)
            while true do local u = s:upper() end
            """, line: 7),
        .init(name: "string.format of huge floats in a loop", body: """
            local n = 0
            while true do n = n + #string.format('%99.99f', 1e300) end
            """, line: 7),
    ]
}

@Suite("Budgeted Lua libraries through the sandbox")
struct BudgetedLibsAttackTests {
    /// The default instruction budget (10M) with a deadline far away, so that the instructions
    /// must stop the call; or the default 200 ms deadline alone.
    static func limits(deadlineOnly: Bool) -> ScriptLimits {
        var l = ScriptLimits()
        if deadlineOnly {
            l.callInstructionsMax = 0
        } else {
            l.callTimeout = .seconds(30)
        }
        return l
    }

    @Test("work done inside a library function is stopped by the call's budgets", arguments: LibraryAttack.all, [false, true])
    func attack(_ attack: LibraryAttack, deadlineOnly: Bool) async throws {
        let clock = ContinuousClock()
        let started = clock.now
        let (_, result) = try await runGiftHandler(attack.body, limits: Self.limits(deadlineOnly: deadlineOnly))
        let elapsed = clock.now - started
        let f = try #require(result.failure, "the call returned \(String(describing: try? result.get()))")
        if deadlineOnly {
            let budgets: Set<ScriptFailure.Reason> = attack.allocates ? [.deadline, .memory] : [.deadline]
            #expect(budgets.contains(f.reason), "\(f.message)")
        } else {
            #expect(f.reason == .instructions, "\(f.message)")
        }
        #expect(f.path.hasSuffix("activities/probe.lua"), "\(f.message)")
        if deadlineOnly {
            // Without an instruction budget the deadline may be noticed first by the hook inside
            // a metamethod the attack defined on line 6, or by the allocator (it reads the clock
            // every MiB allocated), whose kills carry no line: Lua runs no message handler for a
            // refused allocation.
            if let line = f.line { #expect((6...attack.lines.upperBound).contains(line), "\(f.message)") }
        } else {
            #expect(f.line.map(attack.lines.contains) == true, "\(f.message)")
        }
        #expect(f.message.contains("budget exceeded"), "\(f.message)")
        // Not a benchmark: only that the call came back soon (10M instructions take ~30 ms of VM
        // time; the deadline is 200 ms), not after the tens of seconds (or never) the stock
        // functions take.
        #expect(elapsed < .seconds(2), "took \(elapsed)")
    }

    @Test("a budget kill inside a pattern function cannot be caught by pcall")
    func killNotCaught() async throws {
        let (_, result) = try await runGiftHandler("""
            local s = string.rep('a', 1e5)
            for i = 1, 100 do pcall(string.find, s, '(.-)*b') end
            return "escaped"
            """, limits: Self.limits(deadlineOnly: false))
        let f = try #require(result.failure)
        #expect(f.reason == .instructions)
        #expect(f.line == 7)
    }

    @Test("string.rep of an empty string returns at once, however many repetitions")
    func emptyRep() async throws {
        let (_, result) = try await runGiftHandler("return #string.rep('', 2^40) + #string.rep('', 2^40, '')")
        #expect(try result.get() == [0])
    }

    @Test("patterns, table and utf8 functions still work in the sandbox")
    func stillWorks() async throws {
        let (_, result) = try await runGiftHandler("""
            local words = {}
            for w in ("the quick brown fox"):gmatch("%a+") do words[#words + 1] = w:upper() end
            table.sort(words)
            table.insert(words, 1, "first")
            local s = table.concat(words, ",") .. "|" .. ("a=1, b=2"):gsub("(%w+)=(%w+)", "%2=%1")
            return s .. "|" .. utf8.len("中文") .. "|" .. tostring(("key: value"):find("(%w+): (%w+)"))
            """)
        #expect(try result.get() == ["first,BROWN,FOX,QUICK,THE|1=a, 2=b|2|1"])
    }
}
