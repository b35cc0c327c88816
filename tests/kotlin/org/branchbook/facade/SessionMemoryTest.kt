package org.branchbook.facade

import com.sun.jna.Library
import com.sun.jna.Native
import com.sun.jna.Structure
import java.io.File
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.Test
import uniffi.branchbook.Branchbook
import uniffi.branchbook.core.Answer

/** glibc's malloc statistics (mallinfo2, glibc 2.33+): what native code holds right now. */
@Structure.FieldOrder("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")
class MallInfo2 : Structure(), Structure.ByValue {
    @JvmField var arena: Long = 0
    @JvmField var ordblks: Long = 0
    @JvmField var smblks: Long = 0
    @JvmField var hblks: Long = 0
    @JvmField var hblkhd: Long = 0
    @JvmField var usmblks: Long = 0
    @JvmField var fsmblks: Long = 0
    @JvmField var uordblks: Long = 0
    @JvmField var fordblks: Long = 0
    @JvmField var keepcost: Long = 0
}

/** The C library, for its malloc statistics. */
interface LibC : Library {
    /** Statistics of every malloc arena. */
    fun mallinfo2(): MallInfo2
}

/**
 * Many survey sessions opened, answered and closed in a row, as over weeks of visits: memory
 * must level off, not grow with the number of sessions. Measured after a warm-up and after
 * each of four windows of 500 sessions: the native heap in use (glibc malloc statistics,
 * which the Rust core and SQLite allocate from), the Java heap after GC, and the process's
 * resident size from /proc/self/status. Then 500 sessions are kept open to show what a
 * leak would look like: the growth allowed over 1,000 sessions (8 MiB) is half of what leaking
 * every session would add. Prints the figures.
 */
class SessionMemoryTest {
    private val libc: LibC? = runCatching { Native.load("c", LibC::class.java) }.getOrNull()

    /** Bytes malloc has handed out and not had back (small blocks and mmapped ones). */
    private fun nativeInUse(): Long = libc!!.mallinfo2().let { it.uordblks + it.hblkhd }

    /** Resident memory of this process in bytes, from /proc/self/status. */
    private fun rss(): Long =
        File("/proc/self/status").readLines().first { it.startsWith("VmRSS:") }.split(Regex("\\s+"))[1].toLong() * 1024

    private fun heap(): Long {
        val rt = Runtime.getRuntime()
        repeat(3) { System.gc(); Thread.sleep(20) }
        return rt.totalMemory() - rt.freeMemory()
    }

    private data class Sample(val native: Long, val heap: Long, val rss: Long) {
        override fun toString() = "native heap in use %.1f MiB, Java heap %.1f MiB, rss %.1f MiB".format(native / MIB, heap / MIB, rss / MIB)
    }

    /** The lowest of a few readings after GC: transient allocations (JIT, GC, pending JNA frees) drop out. */
    private fun sample(): Sample {
        val readings = (1..5).map { val h = heap(); Thread.sleep(50); Sample(nativeInUse(), h, rss()) }
        return Sample(readings.minOf { it.native }, readings.minOf { it.heap }, readings.minOf { it.rss })
    }

    private fun visit(app: Branchbook, formId: String, i: Int) {
        app.startSurvey(formId, null, null, "vi").use { s ->
            s.setAnswer("consent", Answer.Choice("yes"))
            s.setAnswer("head_name", Answer.Text("Giàng A Páo $i"))
            s.setAnswer("head_birth_year", Answer.Integer(1900L + i % 120))
            // A household of 30: the members' repeat gets 29 entries, so a session holds a lot.
            s.setAnswer("hh_size", Answer.Integer(30))
            s.setAnswer("member[${i % 29 + 1}]/member_name", Answer.Text("Thào Thị Dợ $i"))
            s.screen()
            s.jumpTargets()
            app.deleteDraft(s.submissionId())
        }
    }

    @Test
    fun `two thousand sessions do not make memory grow`() = Fixtures.withApp { app, _ ->
        assumeTrue(File("/proc/self/status").exists() && libc != null && runCatching { nativeInUse() }.isSuccess, "Linux with glibc 2.33+")
        val form = app.importFormXlsx(Fixtures.householdXlsx.readBytes())
        repeat(500) { visit(app, form.formId, it) }
        println("   after a warm-up of 500 sessions: ${sample()}")
        val windows = (1..4).map { w ->
            repeat(500) { visit(app, form.formId, it) }
            sample().also { println("   after ${w * 500} more sessions: $it") }
        }
        // A leak raises the floor; allocator, JIT and GC noise only make spikes. Compare the
        // lowest readings of the first two windows with those of the last two (1,000 sessions apart).
        val early = Sample(minOf(windows[0].native, windows[1].native), minOf(windows[0].heap, windows[1].heap), 0)
        val late = Sample(minOf(windows[2].native, windows[3].native), minOf(windows[2].heap, windows[3].heap), 0)

        // What a leak would look like: sessions kept open show their size.
        val held = (1..500).map { i ->
            app.startSurvey(form.formId, null, null, "vi").also {
                it.setAnswer("consent", Answer.Choice("yes"))
                it.setAnswer("head_name", Answer.Text("Giàng A Páo $i"))
                it.setAnswer("hh_size", Answer.Integer(30))
            }
        }
        val holding = sample()
        val perSession = (holding.native - late.native) / 500
        held.forEach { it.close() }
        println("   holding 500 open sessions: $holding (%.1f KiB each); closed again: ${sample()}".format(perSession / 1024.0))

        assertTrue(perSession > 16 * 1024, "an open session should take more than 16 KiB, measured %.1f KiB".format(perSession / 1024.0))
        val nativeGrowth = late.native - early.native
        val heapGrowth = late.heap - early.heap
        println("   growth over 1,000 sessions: native %.2f MiB, Java heap %.2f MiB".format(nativeGrowth / MIB, heapGrowth / MIB))
        assertTrue(nativeGrowth < 8 * MIB, "native heap grew by %.1f MiB over 1,000 sessions".format(nativeGrowth / MIB))
        assertTrue(heapGrowth < 2 * MIB, "Java heap grew by %.1f MiB over 1,000 sessions".format(heapGrowth / MIB))
    }

    private companion object {
        const val MIB = 1024.0 * 1024.0
    }
}
