package org.branchbook.bindings

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Test
import uniffi.branchbook.ethnicGroups

/** The first call through the generated bindings: the pickers' list of ethnic groups. */
class EthnicGroupsTest {
    @Test
    fun `the core lists Vietnam's 54 ethnic groups in GSO order`() {
        val groups = ethnicGroups()
        assertEquals(54, groups.size)
        assertEquals((1..54).map { "%02d".format(it) }, groups.map { it.gsoCode })
        assertEquals(54, groups.map { it.key }.toSet().size)
    }

    @Test
    fun `Hmong arrives with its Vietnamese name intact across the FFI`() {
        val hmong = ethnicGroups().find { it.key == "hmong" }
        assertNotNull(hmong)
        assertEquals("08", hmong!!.gsoCode)
        // "Mông" with a precomposed ô: the UTF-8 bytes must survive JNA's string handling.
        assertEquals("M\u00f4ng", hmong.nameVi)
        assertEquals("Ê-đê", ethnicGroups().first { it.key == "e_de" }.nameVi)
    }
}
