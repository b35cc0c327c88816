package org.branchbook.testing

import java.io.BufferedReader
import java.io.File
import java.io.Writer
import java.util.concurrent.TimeUnit

/** One record as the server holds it, from the fixture's `list` command. */
data class ServerRecord(val uuid: String, val revision: Int, val complete: Boolean)

/**
 * A real Branchbook server for one test, run by the fixture binary that tests/jvm.sh builds
 * (tests/src/bin/sync_fixture_server.rs, path in the system property `branchbook.syncServer`):
 * SQLite on 127.0.0.1, a branch with a form published and a roster. The tests of the
 * bindings and of the Android app's presenters both drive it. It stops when [close] closes
 * its stdin.
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

    /** What the server holds of `submissions` or `gatherings`, by id, each with whether all its photos arrived. */
    fun records(which: String): Map<String, Boolean> = list(which).associate { it.uuid to it.complete }

    /** True when the server holds record [uuid] (of any kind). */
    fun holds(uuid: String): Boolean = command("holds $uuid") == "yes"

    /** What device [deviceId]'s last sync reported: "app build/core version" ("-" for one not reported). */
    fun reportedVersion(deviceId: String): String = command("version $deviceId")

    /** Revokes a device, as an administrator does. */
    fun revoke(deviceId: String) {
        check(command("revoke $deviceId") == "ok")
    }

    /** An officer's review decision (`approved`, `has_issues`, `rejected`) with [comment] on record [uuid]. */
    fun review(uuid: String, state: String, comment: String) {
        check(command("review $uuid $state ${comment.replace('\n', ' ')}") == "ok")
    }

    /** The latest revision of record [uuid] and its review state, as `REVISION/STATE`. */
    fun reviewState(uuid: String): String = command("state $uuid")

    /** Stops the server: a phone then finds no network. */
    fun stop() {
        check(command("stop") == "ok")
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
        /**
         * Starts a fresh server; close it with `use`. [form] (its JSON) is published instead of
         * the test household survey, [branch] names the branch, and [roster] members are on it
         * (the fixture's own choices when null).
         */
        fun start(form: File? = null, branch: String? = null, roster: Int? = null): SyncServer {
            val path = System.getProperty("branchbook.syncServer")
                ?: error("system property branchbook.syncServer is not set: run the Kotlin tests with tests/jvm.sh")
            check(File(path).canExecute()) { "no sync fixture server at $path" }
            val options = buildList {
                form?.let { add("--form"); add(it.path) }
                branch?.let { add("--branch"); add(it) }
                roster?.let { add("--roster"); add(it.toString()) }
            }
            val process = ProcessBuilder(listOf(path) + options).redirectError(ProcessBuilder.Redirect.INHERIT).start()
            try {
                return SyncServer(process)
            } catch (e: Exception) {
                process.destroyForcibly()
                throw e
            }
        }
    }
}
