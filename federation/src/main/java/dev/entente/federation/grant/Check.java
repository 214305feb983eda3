package dev.entente.federation.grant;

/**
 * One check of a grant decision, as {@code grants explain} lists it: {@code {"check", "ok", "detail"}}
 * (DESIGN §10).
 *
 * @param check  {@code state}, {@code permission}, {@code instance}, {@code network} or {@code source_ip}
 * @param ok     whether it passed
 * @param detail what was compared, in words ({@code instance i-2 is not in [i-1]})
 */
public record Check(String check, boolean ok, String detail) {
}
