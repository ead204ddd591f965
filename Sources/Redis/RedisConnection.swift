import BlockingIO
import CHiredis
#if canImport(Glibc)
import Glibc
#endif

/// One hiredis connection. Every method blocks the calling thread.
///
/// `@unchecked Sendable`: the context pointer is touched only by the thread
/// that currently holds the connection, and `ConnectionPool` hands a
/// connection to one borrower at a time.
public final class RedisConnection: BlockingConnection, @unchecked Sendable {
    private var context: UnsafeMutablePointer<redisContext>?
    private let commandTimeout: Duration
    private var currentTimeout: Duration
    public private(set) var isBroken = false

    public init(configuration: RedisConfiguration) throws(RedisError) {
        guard let context = redisConnectWithTimeout(configuration.host, Int32(configuration.port), timeval(configuration.connectTimeout)) else {
            throw .io("cannot allocate a redis context")
        }
        self.context = context
        self.commandTimeout = configuration.commandTimeout
        self.currentTimeout = configuration.commandTimeout
        if context.pointee.err != 0 {
            let message = Self.errorString(context)
            redisFree(context)
            self.context = nil
            throw .io("\(configuration.host):\(configuration.port): \(message)")
        }
        redisSetTimeout(context, timeval(configuration.commandTimeout))
        _ = redisEnableKeepAlive(context)
        do {
            if let password = configuration.password {
                _ = try send(RedisCommand("AUTH", password)).throwingServerError()
            }
            if configuration.database != 0 {
                _ = try send(RedisCommand("SELECT", configuration.database)).throwingServerError()
            }
        } catch {
            close()
            throw error
        }
    }

    deinit {
        if let context { redisFree(context) }
    }

    public func close() {
        if let context { redisFree(context) }
        context = nil
        isBroken = true
    }

    /// Sends one command and waits for its reply. Error replies come back as `.error`.
    public func send(_ command: RedisCommand, timeout: Duration? = nil) throws(RedisError) -> RedisReply {
        try pipeline([command], timeout: timeout)[0]
    }

    /// Writes every command, then reads every reply: one round trip.
    public func pipeline(_ commands: [RedisCommand], timeout: Duration? = nil) throws(RedisError) -> [RedisReply] {
        guard let context, !isBroken else { throw .io("connection is closed") }
        guard !commands.isEmpty else { return [] }
        let wanted = timeout ?? commandTimeout
        if wanted != currentTimeout {
            redisSetTimeout(context, timeval(wanted))
            currentTimeout = wanted
        }
        for command in commands {
            let status = Self.append(command, to: context)
            if status != REDIS_OK { throw fail(context) }
        }
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(context, &raw) == REDIS_OK, let raw else { throw fail(context) }
            let reply = raw.assumingMemoryBound(to: redisReply.self)
            replies.append(RedisReply(reply))
            freeReplyObject(raw)
        }
        return replies
    }

    /// Lays every argument into one buffer and passes explicit lengths, so
    /// arguments with embedded NUL bytes arrive whole.
    private static func append(_ command: RedisCommand, to context: UnsafeMutablePointer<redisContext>) -> Int32 {
        let arguments = command.arguments
        var buffer: [UInt8] = []
        buffer.reserveCapacity(arguments.reduce(0) { $0 + $1.count } + 1)
        var offsets: [Int] = []
        var lengths: [Int] = []
        for argument in arguments {
            offsets.append(buffer.count)
            lengths.append(argument.count)
            buffer.append(contentsOf: argument)
        }
        buffer.append(0)  // a valid address even when every argument is empty
        return buffer.withUnsafeBufferPointer { bytes in
            let base = UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self)
            var pointers: [UnsafePointer<CChar>?] = offsets.map { base + $0 }
            return pointers.withUnsafeMutableBufferPointer { argv in
                lengths.withUnsafeBufferPointer { argvlen in
                    redisAppendCommandArgv(context, Int32(arguments.count), argv.baseAddress, argvlen.baseAddress)
                }
            }
        }
    }

    private func fail(_ context: UnsafeMutablePointer<redisContext>) -> RedisError {
        isBroken = true
        return .io(Self.errorString(context))
    }

    private static func errorString(_ context: UnsafeMutablePointer<redisContext>) -> String {
        let message = withUnsafeBytes(of: context.pointee.errstr) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return message.isEmpty ? "error \(context.pointee.err)" : message
    }
}

func timeval(_ duration: Duration) -> timeval {
    let micros = duration.wholeMicroseconds
    return Glibc.timeval(tv_sec: Int(micros / 1_000_000), tv_usec: Int(micros % 1_000_000))
}
