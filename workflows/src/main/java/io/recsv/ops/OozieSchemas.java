package io.recsv.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.transform.Source;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.w3c.dom.ls.LSInput;
import org.w3c.dom.ls.LSResourceResolver;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Validates workflow and coordinator definitions against the official Oozie XSDs, which the oozie-client
 * jar ships at its root. The workflow schema is loaded together with the spark-action schema, as the Oozie
 * server does, and their {@code xs:include} of oozie-common-1.0.xsd is resolved from the same jar.
 */
public final class OozieSchemas {

  private static final String[] WORKFLOW_XSDS = {"oozie-workflow-1.0.xsd", "spark-action-1.0.xsd",
      "email-action-0.2.xsd"};
  private static final String[] COORDINATOR_XSDS = {"oozie-coordinator-0.5.xsd", "oozie-sla-0.2.xsd"};

  private OozieSchemas() {}

  /** Every schema violation in the workflow, with line numbers; empty when valid. */
  public static List<String> workflowErrors(Path file) {
    return errors(schema(WORKFLOW_XSDS), file);
  }

  public static List<String> coordinatorErrors(Path file) {
    return errors(schema(COORDINATOR_XSDS), file);
  }

  private static List<String> errors(Schema schema, Path file) {
    List<String> errors = new ArrayList<>();
    Validator validator = schema.newValidator();
    validator.setErrorHandler(new ErrorHandler() {
      @Override public void warning(SAXParseException e) {}
      @Override public void error(SAXParseException e) { errors.add(describe(file, e)); }
      @Override public void fatalError(SAXParseException e) { errors.add(describe(file, e)); }
    });
    try {
      validator.validate(new StreamSource(file.toFile()));
    } catch (SAXException e) {
      if (errors.isEmpty()) {
        errors.add(file + ": " + e.getMessage());
      }
    } catch (IOException e) {
      errors.add(file + ": cannot read: " + e.getMessage());
    }
    return errors;
  }

  private static String describe(Path file, SAXParseException e) {
    return file + ":" + e.getLineNumber() + ":" + e.getColumnNumber() + ": " + e.getMessage();
  }

  private static Schema schema(String... names) {
    SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
    factory.setResourceResolver(new ClasspathResolver());
    Source[] sources = new Source[names.length];
    for (int i = 0; i < names.length; i++) {
      URL url = resource(names[i]);
      sources[i] = new StreamSource(url.toExternalForm());
    }
    try {
      return factory.newSchema(sources);
    } catch (SAXException e) {
      throw new IllegalStateException("cannot load Oozie schemas " + String.join(", ", names), e);
    }
  }

  private static URL resource(String name) {
    URL url = OozieSchemas.class.getClassLoader().getResource(name);
    if (url == null) {
      throw new IllegalStateException(name + " not found on the classpath (it ships in the oozie-client jar)");
    }
    return url;
  }

  /** Resolves {@code <xs:include schemaLocation="oozie-common-1.0.xsd"/>} from the oozie-client jar. */
  private static final class ClasspathResolver implements LSResourceResolver {
    @Override
    public LSInput resolveResource(String type, String namespace, String publicId, String systemId, String baseUri) {
      String name = systemId.substring(systemId.lastIndexOf('/') + 1);
      return new JarInput(publicId, resource(name).toExternalForm(), baseUri);
    }
  }

  private record JarInput(String publicId, String systemId, String baseURI) implements LSInput {
    @Override public String getPublicId() { return publicId; }
    @Override public String getSystemId() { return systemId; }
    @Override public String getBaseURI() { return baseURI; }
    @Override public Reader getCharacterStream() { return null; }
    @Override public InputStream getByteStream() { return null; }
    @Override public String getStringData() { return null; }
    @Override public String getEncoding() { return null; }
    @Override public boolean getCertifiedText() { return false; }
    @Override public void setCharacterStream(Reader r) {}
    @Override public void setByteStream(InputStream b) {}
    @Override public void setStringData(String s) {}
    @Override public void setSystemId(String s) {}
    @Override public void setPublicId(String p) {}
    @Override public void setBaseURI(String b) {}
    @Override public void setEncoding(String e) {}
    @Override public void setCertifiedText(boolean c) {}
  }
}
