package io.recsv.workflow;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/** The Oozie application's XML as recsv reads it: parsed safely (no DTDs), and its elements by namespace. */
public final class Xml {

  /** The namespaces of workflow.xml's elements and of its spark actions. */
  public static final String WORKFLOW_NS = "uri:oozie:workflow:1.0";
  public static final String SPARK_NS = "uri:oozie:spark-action:1.0";

  private Xml() {}

  /** The document in {@code in}; {@code source} names it in errors (not well-formed: IllegalArgumentException). */
  public static Document document(InputStream in, String source) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      DocumentBuilder builder = factory.newDocumentBuilder();
      builder.setErrorHandler(null);  // errors become the exception below, not lines on stderr
      return builder.parse(in);
    } catch (ParserConfigurationException | IOException e) {
      throw new IllegalStateException("cannot parse " + source, e);
    } catch (SAXException e) {
      throw new IllegalArgumentException(source + " is not well-formed XML: " + e.getMessage(), e);
    }
  }

  /** The child elements of {@code parent} named {@code local} in namespace {@code ns}, in order. */
  public static List<Element> childrenNamed(Element parent, String ns, String local) {
    return children(parent).stream()
        .filter(e -> ns.equals(e.getNamespaceURI()) && local.equals(e.getLocalName()))
        .toList();
  }

  /** The child elements of {@code parent}, in order. */
  public static List<Element> children(Element parent) {
    List<Element> out = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i).getNodeType() == Node.ELEMENT_NODE) {
        out.add((Element) nodes.item(i));
      }
    }
    return out;
  }
}
