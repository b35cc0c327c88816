package org.branchbook.app.presenter

import java.io.File
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.util.concurrent.TimeUnit

/**
 * The real sync server, started as a program (the branchbook-server that tests/jvm.sh
 * builds and names in the system property `branchbook.server`) on a free port over SQLite in a temporary folder,
 * with the officials' API calls the send and enroll tests need: a branch with its head's
 * account and a published form, enrollment codes, revoking a device, what arrived.
 */
class TestServer private constructor(private val process: Process, private val dir: File, val url: String, private val oneTime: String) :
    AutoCloseable {
    private val http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build()
    private val admin: String by lazy { login() }

    /** A branch set up on the server: its id and its head's account id. */
    data class Branch(val id: String, val head: String)

    /** One call; the answer's JSON, or an exception with the status and body. */
    fun call(method: String, path: String, body: Any? = null, token: String? = admin): Any? {
        val request = HttpRequest.newBuilder(URI.create(url + path))
            .method(method, body?.let { HttpRequest.BodyPublishers.ofString(if (it is String) it else Json.write(it)) } ?: HttpRequest.BodyPublishers.noBody())
            .header("Content-Type", "application/json")
            .apply { token?.let { header("Authorization", "Bearer $it") } }
            .build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        check(response.statusCode() in 200..299) { "$method $path: HTTP ${response.statusCode()}: ${response.body()}" }
        return response.body().takeIf { it.isNotBlank() }?.let(Json::parse)
    }

    /** A province > commune > branch, the head's account `mai.lo`, and [formJson] published. */
    fun branch(formJson: String): Branch {
        fun area(parent: String?, level: String, name: String): String =
            field(call("POST", "/api/v1/office/areas", mapOf("parent_id" to parent, "level" to level, "name" to name)), "id")
        val province = area(null, "province", "Lào Cai")
        val commune = area(province, "commune", "Xã Bản Hồ")
        val branch = area(commune, "branch", "Bản Dền")
        val account = call(
            "POST", "/api/v1/office/accounts",
            mapOf("username" to "mai.lo", "display_name" to "Lò Thị Mai", "role" to "branch_head", "area_id" to branch),
        )
        val head = field((account as Map<*, *>)["account"], "id")
        val form = call("POST", "/api/v1/office/forms", formJson)
        call("POST", "/api/v1/office/forms/${field(form, "form_id")}/${field(form, "version")}/publish", emptyMap<String, Any>())
        return Branch(branch, head)
    }

    /** A fresh enrollment code for the branch head: the QR code's payload as JSON text. */
    fun enrollmentQr(branch: Branch): String {
        val body = call("POST", "/api/v1/office/enrollments", mapOf("account_id" to branch.head)) as Map<*, *>
        return Json.write(body["qr"])
    }

    /** Revokes device [deviceId] (a lost phone). */
    fun revoke(deviceId: String) {
        call("POST", "/api/v1/office/devices/$deviceId/revoke", emptyMap<String, Any>())
    }

    /**
     * The records of list [which] ("submissions" or "gatherings") the server holds, by id,
     * each with whether all its photos arrived.
     */
    fun records(which: String): Map<String, Boolean> {
        val items = (call("GET", "/api/v1/office/$which?limit=1000") as Map<*, *>)["items"] as List<*>
        return items.associate { field(it, "uuid") to ((it as Map<*, *>)["complete"] == true) }
    }

    /** True when the server holds record [uuid] (of any kind). */
    fun holds(uuid: String): Boolean = runCatching { call("GET", "/api/v1/office/records/$uuid") }.isSuccess

    /** Stops the server (the phone then finds no network). */
    fun stop() {
        process.destroy()
        process.waitFor(10, TimeUnit.SECONDS)
    }

    override fun close() {
        stop()
        dir.deleteRecursively()
    }

    private fun login(): String {
        val token = field(call("POST", "/api/v1/office/login", mapOf("username" to "admin", "password" to oneTime), token = null), "token")
        call("POST", "/api/v1/office/password", mapOf("current" to oneTime, "new" to "admin-chosen-password"), token = token)
        return token
    }

    companion object {
        /** Starts the server; fails clearly when the binary was not built. */
        fun start(): TestServer {
            val path = System.getProperty("branchbook.server")
                ?: error("system property branchbook.server is not set: run the Kotlin tests with tests/jvm.sh")
            val binary = File(path)
            check(binary.canExecute()) { "$binary is not a program" }
            val dir = Files.createTempDirectory("branchbook-server").toFile()
            val process = ProcessBuilder(binary.path, "--data-dir", dir.path, "--listen", "127.0.0.1:0")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .apply { environment()["RUST_LOG"] = "warn" }
                .start()
            val lines = process.inputStream.bufferedReader()
            var password: String? = null
            while (true) {
                val line = lines.readLine() ?: run {
                    process.destroy()
                    error("the server stopped before listening")
                }
                password = password ?: line.substringAfter("one-time password: ", "").trim().takeIf { it.isNotEmpty() }
                val at = line.substringAfter("Listening on ", "").trim()
                if (at.isNotEmpty()) return TestServer(process, dir, at, checkNotNull(password) { "no one-time password printed" })
            }
        }

        private fun field(value: Any?, name: String): String = ((value as Map<*, *>)[name] ?: error("no $name in $value")).toString()
    }
}
