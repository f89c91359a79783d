export default {
  username: "Benutzername",
  password: "Passwort",
  passphrase: "Kennwort",
};
