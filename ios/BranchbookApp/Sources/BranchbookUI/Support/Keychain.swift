import Foundation
import Security

/// The two secrets the app keeps in the iOS Keychain: the 32-byte key that encrypts the
/// core's data at rest, and this phone's stable id. Each is made once, on first start, and
/// stays on this phone (`AfterFirstUnlockThisDeviceOnly`: readable by a send that runs
/// while the phone is locked, never copied to a backup or another phone).
enum Keychain {
    /// Why the Keychain refused.
    struct Failure: Error {
        /// The Security framework's status code.
        let status: OSStatus
    }

    private static let service = "org.branchbook.app"

    /// The key of the core's encrypted store (made on first use).
    static func databaseKey() throws -> Data {
        try item(account: "database-key") {
            var bytes = Data(count: 32)
            let status = bytes.withUnsafeMutableBytes { (buffer: UnsafeMutableRawBufferPointer) -> OSStatus in
                guard let address = buffer.baseAddress else { return errSecAllocate }
                return SecRandomCopyBytes(kSecRandomDefault, 32, address)
            }
            guard status == errSecSuccess else { throw Failure(status: status) }
            return bytes
        }
    }

    /// This phone's id, which forms record in their `deviceid` field (made on first use).
    static func deviceId() throws -> String {
        let data = try item(account: "device-id") { Data(UUID().uuidString.lowercased().utf8) }
        return String(decoding: data, as: UTF8.self)
    }

    /// The item stored under `account`, stored first from `make()` when there is none.
    private static func item(account: String, make: () throws -> Data) throws -> Data {
        let query: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: account,
            kSecReturnData as String: true,
            kSecMatchLimit as String: kSecMatchLimitOne,
        ]
        var found: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &found)
        if status == errSecSuccess, let data = found as? Data {
            return data
        }
        guard status == errSecItemNotFound else { throw Failure(status: status) }
        let data = try make()
        let add: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: account,
            kSecAttrAccessible as String: kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly,
            kSecValueData as String: data,
        ]
        let added = SecItemAdd(add as CFDictionary, nil)
        guard added == errSecSuccess else { throw Failure(status: added) }
        return data
    }
}
