package org.branchbook.app

import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import java.io.File
import java.security.KeyStore
import java.security.SecureRandom
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * The 32-byte key that encrypts the core's data at rest. It is made once at random and
 * kept in [file] wrapped (AES-GCM) by a key that never leaves the Android Keystore, so
 * a copy of the app's files is unreadable without this phone.
 */
class DatabaseKey(private val file: File) {
    /** The key, made on first use. */
    fun get(): ByteArray {
        if (file.isFile) {
            val stored = file.readBytes()
            val cipher = Cipher.getInstance(TRANSFORMATION)
            cipher.init(Cipher.DECRYPT_MODE, wrapping(), GCMParameterSpec(128, stored, 0, IV_BYTES))
            return cipher.doFinal(stored, IV_BYTES, stored.size - IV_BYTES)
        }
        val key = ByteArray(32).also { SecureRandom().nextBytes(it) }
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.ENCRYPT_MODE, wrapping())
        val sealed = cipher.iv + cipher.doFinal(key)
        val tmp = File(file.path + ".tmp")
        tmp.writeBytes(sealed)
        check(tmp.renameTo(file)) { "cannot write $file" }
        return key
    }

    private fun wrapping(): SecretKey {
        val store = KeyStore.getInstance(KEYSTORE).apply { load(null) }
        (store.getKey(ALIAS, null) as? SecretKey)?.let { return it }
        val generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, KEYSTORE)
        generator.init(
            KeyGenParameterSpec.Builder(ALIAS, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
                .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
                .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
                .setKeySize(256)
                .build(),
        )
        return generator.generateKey()
    }

    private companion object {
        const val KEYSTORE = "AndroidKeyStore"
        const val ALIAS = "branchbook-data"
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val IV_BYTES = 12
    }
}
