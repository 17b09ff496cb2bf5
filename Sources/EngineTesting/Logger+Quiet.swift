import Logging

extension Logger {
    /// A logger that drops everything below `critical`, for tests that exercise failures
    /// without flooding the output.
    /// - Parameter label: the logger's label.
    public static func quiet(_ label: String = "showrunner.test") -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = .critical
        return logger
    }
}
