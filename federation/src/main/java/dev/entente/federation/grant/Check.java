package dev.entente.federation.grant;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One check of a grant decision, as {@code grants explain} lists it.
 *
 * @param check  {@code state}, {@code permission}, {@code instance}, {@code network} or {@code source_ip}
 * @param ok     whether it passed
 * @param detail what was compared, in words ({@code instance i-2 is not in [i-1]})
 */
public record Check(String check, boolean ok, String detail) {

    /** {@code {"check", "ok", "detail"}} (DESIGN §10). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("check", check);
        m.put("ok", ok);
        m.put("detail", detail);
        return m;
    }
}
