package org.branchbook.facade

import java.io.BufferedReader
import java.io.File
import java.io.Writer
import java.util.concurrent.TimeUnit

/** One record as the server holds it, from the fixture's `list` command. */
data class ServerRecord(val uuid: String, val revision: Int, val complete: Boolean)

/**
 * A real Branchbook server for one test, run by the fixture binary that tests/jvm.sh builds
 * (tests/src/bin/sync_fixture_server.rs, path in the system property `branchbook.syncServer`):
 * SQLite on 127.0.0.1, a branch with the test household survey published and three roster
 * members. It stops when [close] closes its stdin.
 */
class SyncServer private constructor(private val process: Process) : AutoCloseable {
    private val input: BufferedReader = process.inputStream.bufferedReader()
    private val commands: Writer = process.outputStream.bufferedWriter()

    /** The payload of the first enrollment QR code (`{"server": .., "code": ..}`). */
    val firstQr: String = readAnswer()

    /** The payload of a fresh enrollment QR code. */
    fun qr(): String = command("qr")

    /** A fresh enrollment code as an officer reads it out: the server address and the code to type. */
    fun typedCode(): Pair<String, String> {
        val qr = qr()
        fun field(name: String) = Regex("\"$name\"\\s*:\\s*\"([^\"]+)\"").find(qr)?.groupValues?.get(1) ?: error("no $name in $qr")
        return field("server") to field("code")
    }

    /** What the server holds of `submissions` or `gatherings`. */
    fun list(which: String): List<ServerRecord> =
        command("list $which").split(' ').filter { it.isNotBlank() }.map { item ->
            val (uuid, revision, complete) = item.split('/')
            ServerRecord(uuid, revision.toInt(), complete == "complete")
        }

    /** Revokes a device, as an administrator does. */
    fun revoke(deviceId: String) {
        check(command("revoke $deviceId") == "ok")
    }

    private fun command(line: String): String {
        commands.write(line + "\n")
        commands.flush()
        return readAnswer()
    }

    private fun readAnswer(): String {
        val line = input.readLine() ?: error("the sync fixture server stopped (its stderr is above)")
        check(!line.startsWith("error: ")) { line }
        return line
    }

    override fun close() {
        commands.close()
        if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly()
    }

    companion object {
        /** Starts a fresh server; close it with `use`. */
        fun start(): SyncServer {
            val path = System.getProperty("branchbook.syncServer")
                ?: error("system property branchbook.syncServer is not set: run the Kotlin tests with tests/jvm.sh")
            check(File(path).canExecute()) { "no sync fixture server at $path" }
            val process = ProcessBuilder(path).redirectError(ProcessBuilder.Redirect.INHERIT).start()
            try {
                return SyncServer(process)
            } catch (e: Exception) {
                process.destroyForcibly()
                throw e
            }
        }
    }
}
