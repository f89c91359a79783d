package dev.imprint.scan.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The shared shell model: credentials on command lines and downloads run unverified. */
class CommandLineTest {

  private static List<String> values(String script) {
    return CommandLine.secrets(script).stream().map(CommandLine.Secret::value).toList();
  }

  @Test
  void gluedAndOptionPasswordsAreCredentials() {
    assertThat(values("mysql -uroot -pS3cret -e 'show databases'")).containsExactly("S3cret");
    assertThat(values("mysql -h db -uadmin -p'Robo Shop1' app")).containsExactly("Robo Shop1");
    assertThat(values("mysql -uroot -proot -e \"CREATE DATABASE x\"")).containsExactly("root");
    assertThat(values("mysqldump --password=Tr0ub4dor app > dump.sql"))
        .containsExactly("Tr0ub4dor");
    assertThat(values("sudo mariadb -u root -pKx9pw < schema.sql")).containsExactly("Kx9pw");
    assertThat(values("sshpass -p 'hunter22' ssh deploy@host uptime"))
        .containsExactly("hunter22");
    assertThat(values("sshpass -phunter22 scp f host:")).containsExactly("hunter22");
    assertThat(values("PGPASSWORD=pgsecret psql -h db -U app")).containsExactly("pgsecret");
    assertThat(values("MYSQL_PWD=abcd mysql -uroot")).containsExactly("abcd");
    assertThat(values("docker login -u bot -p dckr9Xy2 registry.example.com"))
        .containsExactly("dckr9Xy2");
    assertThat(values("curl -u admin:Adm1nPw https://nexus.example/repo"))
        .containsExactly("Adm1nPw");
    assertThat(values("wget --http-password=w3tPass https://x/f")).containsExactly("w3tPass");
    assertThat(values("vault-cli --db-password 'n0tEasy' run")).containsExactly("n0tEasy");
    assertThat(values("bash -c \"mysql -uroot -pInner9 -e 'x'\"")).containsExactly("Inner9");
  }

  @Test
  void referencesPromptsPlaceholdersAndStdinAreNotCredentials() {
    assertThat(values("mysql -uroot -p$MYSQL_ROOT_PASSWORD -e 'x'")).isEmpty();
    assertThat(values("mysql -u root -p\"${MYSQL_ROOT_PASSWORD}\" app")).isEmpty();
    assertThat(values("mysql -uroot -p${var.db_password} -h ${aws_db_instance.x.address}"))
        .isEmpty();
    assertThat(values("mysql -u root -p < schema.sql")).isEmpty();
    assertThat(values("mysql -u root -p app")).isEmpty();
    assertThat(values("mysql -uroot -P3306 -h db")).isEmpty();
    assertThat(values("mysql -uroot -p<password> app")).isEmpty();
    assertThat(values("mysql -uroot -p{{user `db_password`}} app")).isEmpty();
    assertThat(values("mysql -uroot -pchangeme app")).isEmpty();
    assertThat(values("echo \"$PW\" | docker login -u bot --password-stdin registry")).isEmpty();
    assertThat(values("docker login -u bot -p \"$REGISTRY_PASSWORD\" registry")).isEmpty();
    assertThat(values("PGPASSWORD=$DB_PASS psql -h db")).isEmpty();
    assertThat(values("curl -u \"$USER:$TOKEN\" https://x")).isEmpty();
    assertThat(values("ssh -p 2222 host")).isEmpty();
    assertThat(values("cp -p a b && tar -pxf x.tar")).isEmpty();
    assertThat(values("helm upgrade app ./chart --set password=$PW")).isEmpty();
    assertThat(values("gh auth login --with-token < token.txt")).isEmpty();
    assertThat(values("app --token-file=/run/secrets/token")).isEmpty();
  }

  private static List<String> pipes(String script) {
    return CommandLine.pipes(script).stream().map(CommandLine.Pipe::what).toList();
  }

  @Test
  void downloadsRunAsScriptsArePipes() {
    assertThat(pipes("curl -fsSL https://get.example.com | sh"))
        .containsExactly("curl output piped into sh");
    assertThat(pipes("wget -qO- https://x/install.sh | sudo -E bash -s -- --yes"))
        .containsExactly("wget output piped into bash");
    assertThat(pipes("curl -sSL https://install.python-poetry.org | python3 -"))
        .containsExactly("curl output piped into python3");
    assertThat(pipes("sh -c \"$(curl -fsSL https://x/install.sh)\""))
        .containsExactly("curl output run by sh");
    assertThat(pipes("bash <(curl -s https://x/i.sh)")).containsExactly("curl output run by bash");
    assertThat(pipes("eval \"$(curl -s https://x/env)\"")).containsExactly("curl output run by eval");
    assertThat(pipes("iex ((New-Object System.Net.WebClient).DownloadString('https://x/i.ps1'))"))
        .containsExactly("download run by iex");
    assertThat(pipes("iwr https://x/i.ps1 -UseBasicParsing | iex"))
        .containsExactly("iwr output piped into iex");
    assertThat(pipes("curl -s https://x/i.sh | tee /tmp/i.sh | bash"))
        .containsExactly("curl output piped into bash");
  }

  @Test
  void downloadsReadAsDataAreNotPipes() {
    assertThat(pipes("curl -s https://api.example/x | python3 -c 'import json,sys; print(1)'"))
        .isEmpty();
    assertThat(pipes("curl -s https://api.example/x | python -m json.tool")).isEmpty();
    assertThat(pipes("curl -s https://x/key.gpg | sudo apt-key add -")).isEmpty();
    assertThat(pipes("curl -fsSLo i.sh https://x/i.sh && sha256sum -c i.sh.sha256 && sh i.sh"))
        .isEmpty();
    assertThat(pipes("curl -s https://x | jq -r .version")).isEmpty();
    assertThat(pipes("eval $(ssh-agent -s)")).isEmpty();
    assertThat(pipes("bash -c \"$(cat /tmp/x)\"")).isEmpty();
    assertThat(pipes("echo curl | sh")).isEmpty();
  }
}
