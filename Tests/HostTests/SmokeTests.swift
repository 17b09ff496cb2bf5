import Testing
@Test func hostBuilds() { #expect(Bool(true)) }
