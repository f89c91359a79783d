package dev.imprint.scan.secret;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Locale files and translations of the word "password": {@code password: Passwort} in
 * {@code locales/de.yml} is a label shown next to a login form, not a credential.
 */
final class Translations {
  /** The word password in the languages software is most often translated into. */
  private static final Set<String> PASSWORD_WORDS = Set.of("passwort", "kennwort", "passe",
      "contraseña", "contrasena", "contrasinal", "senha", "wachtwoord", "lösenord", "losenord",
      "hasło", "haslo", "пароль", "parola", "salasana", "adgangskode", "heslo", "jelszó",
      "jelszo", "şifre", "sifre", "passord", "lozinka", "geslo", "parool", "slaptažodis",
      "parole", "κωδικός", "סיסמה", "كلمة", "رمز", "パスワード", "密码", "密碼", "비밀번호",
      "katasandi", "sandi", "mật", "khẩu", "รหัสผ่าน", "पासवर्ड", "pasahitza", "wagwoord",
      "mot", "clave", "palavra-passe", "lykilorð");
  /** ISO 639-1 codes of common locales, as a file is named for its locale. */
  private static final String LANGUAGE = "(en|de|fr|es|it|pt|nl|sv|da|fi|no|nb|nn|pl|ru|uk"
      + "|cs|sk|hu|ro|tr|el|he|ar|ja|ko|zh|vi|id|th|hi|bg|hr|sr|sl|lt|lv|et|ca|fa|ms|eu|gl|is"
      + "|af|sq|hy|az|be|bn|bs|cy|eo|ga|ka|kk|km|lo|mk|mn|mr|ne|pa|si|sw|ta|te|tl|ur|uz)";
  /** {@code de.yml}, {@code pt-BR.json}, {@code messages_de.properties}, {@code fr.json}. */
  private static final Pattern LOCALE_FILE = Pattern.compile("(.*[._-])?" + LANGUAGE
      + "([-_][a-z]{2,4})?\\.(ya?ml|json|properties|toml|ini|po|strings|resx|xlf|arb)");
  private static final Set<String> LOCALE_FOLDERS = Set.of("locales", "locale", "i18n", "l10n",
      "lang", "langs", "languages", "translations", "translation", "intl", "t9n");

  private Translations() {}

  /** Whether a value is, or has as one of its words, a translation of the word password. */
  static boolean isWordPassword(String value) {
    for (String w : value.toLowerCase(Locale.ROOT).split("[\\s:()]+")) {
      if (PASSWORD_WORDS.contains(w)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the file at this path holds a locale's translations, by its name or its folder. */
  static boolean isLocaleFile(String path) {
    String[] parts = path.replace('\\', '/').toLowerCase(Locale.ROOT).split("/");
    for (int i = 0; i < parts.length - 1; i++) {
      if (LOCALE_FOLDERS.contains(parts[i])) {
        return true;
      }
    }
    return LOCALE_FILE.matcher(parts[parts.length - 1]).matches();
  }
}
