package org.branchbook.app.presenter

/**
 * Just enough JSON for the tests to talk to the officials' API of the real server:
 * [parse] reads objects (as maps), arrays (lists), strings, numbers (doubles), booleans
 * and null; [write] writes maps, lists, strings, numbers, booleans and null back.
 */
object Json {
    /** The value [text] holds. */
    fun parse(text: String): Any? = Reader(text).run { value().also { skip(); require(at == text.length) { "trailing text at $at" } } }

    /** [value] as JSON text. */
    fun write(value: Any?): String = when (value) {
        null -> "null"
        is String -> buildString {
            append('"')
            for (c in value) when {
                c == '"' || c == '\\' -> append('\\').append(c)
                c < ' ' -> append("\\u%04x".format(c.code))
                else -> append(c)
            }
            append('"')
        }
        is Number, is Boolean -> value.toString()
        is Map<*, *> -> value.entries.joinToString(",", "{", "}") { write(it.key.toString()) + ":" + write(it.value) }
        is List<*> -> value.joinToString(",", "[", "]") { write(it) }
        else -> error("cannot write ${value::class}")
    }

    private class Reader(val s: String) {
        var at = 0

        fun skip() {
            while (at < s.length && s[at].isWhitespace()) at++
        }

        fun value(): Any? {
            skip()
            return when (val c = s[at]) {
                '{' -> {
                    at++
                    val map = LinkedHashMap<String, Any?>()
                    skip()
                    if (s[at] == '}') { at++; return map }
                    while (true) {
                        val key = value() as String
                        skip(); expect(':')
                        map[key] = value()
                        skip()
                        if (s[at++] == '}') return map
                    }
                    @Suppress("UNREACHABLE_CODE") map
                }
                '[' -> {
                    at++
                    val list = ArrayList<Any?>()
                    skip()
                    if (s[at] == ']') { at++; return list }
                    while (true) {
                        list += value()
                        skip()
                        if (s[at++] == ']') return list
                    }
                    @Suppress("UNREACHABLE_CODE") list
                }
                '"' -> string()
                't' -> word("true", true)
                'f' -> word("false", false)
                'n' -> word("null", null)
                else -> {
                    require(c == '-' || c.isDigit()) { "unexpected '$c' at $at" }
                    val start = at
                    while (at < s.length && (s[at].isDigit() || s[at] in "+-.eE")) at++
                    s.substring(start, at).toDouble()
                }
            }
        }

        fun string(): String {
            expect('"')
            val out = StringBuilder()
            while (true) {
                val c = s[at++]
                when (c) {
                    '"' -> return out.toString()
                    '\\' -> when (val e = s[at++]) {
                        'u' -> { out.append(s.substring(at, at + 4).toInt(16).toChar()); at += 4 }
                        'n' -> out.append('\n')
                        't' -> out.append('\t')
                        'r' -> out.append('\r')
                        'b' -> out.append('\b')
                        'f' -> out.append('\u000c')
                        else -> out.append(e)
                    }
                    else -> out.append(c)
                }
            }
        }

        fun word(w: String, v: Any?): Any? {
            require(s.startsWith(w, at)) { "unexpected text at $at" }
            at += w.length
            return v
        }

        fun expect(c: Char) {
            require(s[at] == c) { "expected '$c' at $at" }
            at++
        }
    }
}
