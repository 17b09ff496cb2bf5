import Testing

/// Waits until `condition` holds, looking every 2 ms; fails the test once `limit` has passed.
/// The limit only bounds a failure, so it is long: the whole suite starts at once on two cores,
/// where tests that take five seconds alone took 70, and one waited more than 60 s for a
/// consumer to apply one commit. (Runners in these tests poll every 600 s, so a lost wake-up
/// still fails.)
func waitUntil(within limit: Duration = .seconds(300), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while try await !condition() {
        try #require(ContinuousClock.now < deadline, "condition never held")
        try await Task.sleep(for: .milliseconds(2))
    }
}
