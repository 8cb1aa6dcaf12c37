import Envelope

#if canImport(Glibc)
import Glibc
#endif

/// InputFile opens the command's input: a path, or standard input for `-` or no path.
struct InputFile {
    let source: FileDescriptorSource
    let isStandardInput: Bool

    init(path: String?) throws(CLIError) {
        guard let path, path != "-" else {
            source = FileDescriptorSource(descriptor: 0, name: "standard input")
            isStandardInput = true
            return
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            throw CLIError(
                code == ENOENT ? .notFound : .failed, "cannot open input file \"\(path)\": \(describeErrno(code))")
        }
        source = FileDescriptorSource(descriptor: descriptor, name: path)
        isStandardInput = false
    }

    func close() {
        if !isStandardInput { _ = Glibc.close(source.descriptor) }
    }
}

func describeErrno(_ code: Int32) -> String {
    String(cString: strerror(code)).lowercased()
}
