package dev.hangar.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** deploy/launchd: the plist is well-formed, has the documented keys, and holds no secret. */
class LaunchdPlistTest {

  static final Path DIR = Path.of("..", "deploy", "launchd");

  @Test
  void plistHasTheDocumentedKeysAndNoSecret() throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    f.setExpandEntityReferences(false);
    Document doc = f.newDocumentBuilder().parse(DIR.resolve("dev.hangar.worker-host.plist").toFile());
    Element root = doc.getDocumentElement();
    assertThat(root.getTagName()).isEqualTo("plist");
    Map<String, Element> top = dict(firstElement(root));

    assertThat(top).containsKeys("Label", "UserName", "ProgramArguments", "WorkingDirectory",
        "EnvironmentVariables", "RunAtLoad", "KeepAlive", "ThrottleInterval", "ExitTimeOut",
        "StandardOutPath", "StandardErrorPath");
    assertThat(top.get("Label").getTextContent()).isEqualTo("dev.hangar.worker-host");
    assertThat(top.get("RunAtLoad").getTagName()).isEqualTo("true");
    assertThat(top.get("KeepAlive").getTagName()).isEqualTo("true");
    // Tart VMs are the host's children: a host restart must not take them down.
    assertThat(top.get("AbandonProcessGroup").getTagName()).isEqualTo("true");
    assertThat(top.get("ProgramArguments").getTagName()).isEqualTo("array");
    assertThat(firstElement(top.get("ProgramArguments")).getTextContent()).endsWith("/hangar-worker-host.sh");

    // launchd SIGKILLs after ExitTimeOut: it must outlast the default drain timeout.
    long exitTimeout = Long.parseLong(top.get("ExitTimeOut").getTextContent().trim());
    assertThat(Duration.ofSeconds(exitTimeout)).isGreaterThan(Duration.ofHours(6));

    Map<String, Element> env = dict(top.get("EnvironmentVariables"));
    assertThat(env).containsKeys("HANGAR_ENV_FILE", "HANGAR_CONFIG_FILE");
    assertThat(env.keySet()).noneMatch(k -> k.matches("(?i).*(SECRET|TOKEN|PASSWORD|PRIVATE|KEY).*"));
  }

  @Test
  void wrapperScriptIsExecutableAndExecsJava() throws Exception {
    Path script = DIR.resolve("hangar-worker-host.sh");
    assertThat(Files.isExecutable(script)).isTrue();
    assertThat(Files.readString(script)).startsWith("#!/bin/bash").contains("exec \"$JAVA\"");
  }

  private static Map<String, Element> dict(Element dict) {
    assertThat(dict.getTagName()).isEqualTo("dict");
    Map<String, Element> entries = new LinkedHashMap<>();
    String key = null;
    NodeList children = dict.getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      if (!(children.item(i) instanceof Element e)) {
        continue;
      }
      if (key == null) {
        assertThat(e.getTagName()).isEqualTo("key");
        key = e.getTextContent();
      } else {
        entries.put(key, e);
        key = null;
      }
    }
    assertThat(key).as("a key without a value").isNull();
    return entries;
  }

  private static Element firstElement(Node parent) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        return e;
      }
    }
    throw new AssertionError("no element in " + parent.getNodeName());
  }
}
