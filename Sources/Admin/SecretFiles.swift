import ActorKeys
import RootKeys

/// SecretFiles keeps provider credentials as files under `<home>/secrets/` (DESIGN.md,
/// Storage): the directory 0700, each file 0600 from its creation, written atomically. A save
/// replaces a set of files and can put every one back as it was, so a configuration that fails
/// half-way leaves no secret file behind.
struct SecretFiles {
    let directory: String

    /// What a set of files held before `replace`: the content, or nil for a file that did not
    /// exist. `restore` writes it back.
    struct Previous: ~Copyable {
        fileprivate let files: SecretFiles
        fileprivate var contents: [(name: String, content: SecretBytes?)]

        /// Puts every file back as it was before `replace`, a missing one erased again.
        consuming func restore() {
            for (name, content) in contents.reversed() {
                let path = FilePath.join(files.directory, name)
                if let content {
                    try? files.write(path, content)
                } else {
                    try? FilePath.eraseFile(path)
                }
            }
        }

        /// Keeps the new files: the old contents are dropped (and zeroed with their buffers).
        consuming func keep() { contents.removeAll() }
    }

    /// Writes `values` (file name → content), keeping what was there for `restore`. A failure
    /// puts back the files already written and is an `.failed` naming the file, never a value.
    func replace(_ values: [(file: String, value: String)]) throws(AdminError) -> Previous {
        do throws(ActorKeysError) {
            try FilePath.makeDirectories(directory)
        } catch {
            throw AdminError(.failed, "cannot create \(directory): \(error.message)")
        }
        var previous = Previous(files: self, contents: [])
        for (file, value) in values {
            let path = FilePath.join(directory, file)
            do {
                previous.contents.append((file, try ProviderCredentials.read(path: path)))
                try write(path, SecretBytes(copying: Array(value.utf8)))
            } catch {
                previous.restore()
                throw AdminError(.failed, "cannot write the credential file \(path)")
            }
        }
        return previous
    }

    /// Erases the files `names` (overwritten, then unlinked); missing ones are fine.
    func erase(_ names: [String]) {
        for name in names { try? FilePath.eraseFile(FilePath.join(directory, name)) }
    }

    private func write(_ path: String, _ content: SecretBytes) throws(ActorKeysError) {
        let writer = try AtomicFileWriter(destination: path, mode: 0o600)
        try content.withUnsafeBytes { bytes in Swift.Result { () throws(ActorKeysError) in try writer.write(bytes) } }
            .get()
        try writer.commit(.replace)
    }
}
