internal import CFuzzer

#if canImport(Glibc)
import Glibc
#endif

/// FuzzDriver hands a target to libFuzzer's driver. SwiftPM gives every executable its own
/// `main`, so a target calls this from `@main` instead of leaving `main` to libFuzzer; the
/// command line is libFuzzer's (`-runs=`, `-max_total_time=`, corpus directories).
public enum FuzzDriver {
    public typealias Target = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    public static func run(_ target: Target) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, target))
    }
}
