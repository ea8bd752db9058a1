package dev.sluice.error;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void maskUrlHidesUserInfoPasswordsAndPasswordParameters() {
        assertThat(Secrets.maskUrl("postgres://user:s3@host:5432/db")).isEqualTo("postgres://user:****@host:5432/db");
        assertThat(Secrets.maskUrl("jdbc:postgresql://h/db?user=u&password=x%40y&ssl=true"))
                .isEqualTo("jdbc:postgresql://h/db?user=u&password=****&ssl=true");
        assertThat(Secrets.maskUrl("jdbc:sqlserver://h;user=u;Password=abc;db=x")).isEqualTo("jdbc:sqlserver://h;user=u;Password=****;db=x");
        assertThat(Secrets.maskUrl("jdbc:snowflake://a.snowflakecomputing.com/?private_key=k1&token=t2"))
                .isEqualTo("jdbc:snowflake://a.snowflakecomputing.com/?private_key=****&token=****");
        assertThat(Secrets.maskUrl("jdbc:mysql://u:p@h/db?pwd=z")).isEqualTo("jdbc:mysql://u:****@h/db?pwd=****");
    }

    @Test
    void maskUrlLeavesUrlsWithoutCredentialsAlone() {
        for (String url : new String[] {"jdbc:postgresql://localhost:5432/db", "http://127.0.0.1:4443/x@y",
                "jdbc:postgresql://h/db?user=alice&passwordless=1", "jdbc:sqlite:/tmp/a.db", "check the user and password settings",
                "SELECT * FROM users WHERE password = 'x' AND token=5", "{\"token\":\"abc\"}", "jdbc:postgresql://h/db?password=&user=u"}) {
            assertThat(Secrets.maskUrl(url)).isEqualTo(url);
        }
    }

    @Test
    void registerUrlScrubsTheDecodedPasswordFromLaterText() {
        Secrets.registerUrl("jdbc:postgresql://h/db?password=Tr1cky%26Secret");
        assertThat(Secrets.redact("FATAL: bad password Tr1cky&Secret given")).isEqualTo("FATAL: bad password **** given");
        assertThat(Secrets.redact("url was jdbc:postgresql://h/db?password=Tr1cky%26Secret")).doesNotContain("Tr1cky");
    }

    @Test
    void secretNames() {
        assertThat(Secrets.isSecretName("password")).isTrue();
        assertThat(Secrets.isSecretName("PWD")).isTrue();
        assertThat(Secrets.isSecretName("sslpassword")).isTrue();
        assertThat(Secrets.isSecretName("user")).isFalse();
        assertThat(Secrets.isSecretName("ssl")).isFalse();
    }
}
