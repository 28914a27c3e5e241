import Foundation

/// Runs the built `workbench` binary as a user would, and captures what it prints and its exit status.
public struct WorkbenchProcess: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }

    /// The executable sits next to the test bundle in SwiftPM's build directory.
    public static var executable: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("workbench")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let bundle = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("workbench")
        return bundle
    }

    /// Runs `workbench args` in `directory` (default: a fresh temporary one) to the end.
    public static func run(_ args: [String], in directory: URL? = nil) throws -> WorkbenchProcess {
        let p = Process()
        p.executableURL = executable
        p.arguments = args
        let dir = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("wb-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        p.currentDirectoryURL = dir
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read before waiting so a large output cannot fill the pipe and deadlock.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return WorkbenchProcess(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// A fresh temporary directory holding one file `name` with `text`; returns the directory.
    public static func directory(with text: String, named name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wb-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        return dir
    }

    /// stderr without empty lines.
    public var errorLines: [String] { stderr.split(separator: "\n").map(String.init) }
}
