internal import CFuzzer

#if canImport(Glibc)
import Glibc
#endif

/// FuzzDriver hands a target to libFuzzer's driver. SwiftPM gives every executable its own
/// `main`, so a target calls this from `@main` instead of leaving `main` to libFuzzer; the
/// command line is libFuzzer's (`-runs=`, `-max_total_time=`, corpus directories). Each target
/// also exports itself as `LLVMFuzzerTestOneInput`: a debug build, whose `main` SwiftPM renames,
/// links libFuzzer's own `main`, which calls that.
public enum FuzzDriver {
    public typealias Target = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    public static func run(_ target: Target) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, target))
    }
}
