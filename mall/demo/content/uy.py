"""Pages and news of the Tienda Filatélica: HISTORIA DE LA FILATELIA, NUESTRA EMPRESA, FAQ and
NOTICIAS, as on the real stamps.uy.post."""

from __future__ import annotations

from datetime import date

from mall.demo.content import paragraphs as p
from mall.demo.specs import NewsSpec

HISTORY_ES = p(
    "## Los primeros sellos: las «Diligencias» de 1856",
    "El 1.º de octubre de 1856 se pusieron a la venta en Montevideo los primeros sellos "
    "uruguayos. Llevaban un sol radiante y la palabra DILIGENCIA, porque franqueaban las "
    "cartas que las diligencias llevaban al interior del país. Los coleccionistas de todo el "
    "mundo los conocen como los «soles de Montevideo» (Montevideo Suns).",
    "Fueron litografiados en Montevideo en tres valores y se usaron poco tiempo, lo que "
    "explica su rareza. En 1858 y 1859 siguieron nuevas series con el sol, sin la leyenda "
    "DILIGENCIA, y luego las llamadas «cifras finas» y «cifras gruesas», muy estudiadas por "
    "los especialistas por sus variedades de plancha.",
    "## De los escuditos a la Unión Postal Universal",
    "Desde 1864 el escudo nacional reemplazó al sol en los sellos, y en las décadas siguientes "
    "aparecieron los retratos de próceres y los grabados impresos en el exterior. Uruguay "
    "ingresó a la Unión Postal Universal el 1.º de julio de 1880, y Montevideo es hoy la sede "
    "de la Unión Postal de las Américas, España y Portugal (UPAEP).",
    "## La filatelia de hoy",
    "Cada año el Correo Uruguayo emite sellos sobre la cultura, la naturaleza y la historia "
    "del país: el carnaval y el candombe, los pintores nacionales, los humedales y la fauna "
    "autóctona, los grandes triunfos deportivos. Desde 2002 cada sello se registra en el "
    "Sistema de Numeración de la UPU (WNS), con números como UY003.18.",
)

HISTORY_EN = p(
    "## The first stamps: the “Diligencias” of 1856",
    "On 1 October 1856 the first Uruguayan stamps went on sale in Montevideo. They showed a "
    "radiant sun and the word DILIGENCIA, because they prepaid the letters carried inland by "
    "the stagecoaches. Collectors the world over know them as the “Montevideo Suns”.",
    "They were lithographed in Montevideo in three values and used for a short time only, "
    "which is why they are rare. New issues with the sun followed in 1858 and 1859 without the "
    "DILIGENCIA inscription, then the “thin figures” and “thick figures” issues that "
    "specialists study for their plate varieties.",
    "## From the coat of arms to the Universal Postal Union",
    "From 1864 the national coat of arms replaced the sun, and portraits of national heroes "
    "and engraved issues printed abroad followed. Uruguay joined the Universal Postal Union on "
    "1 July 1880, and Montevideo is today the seat of the Postal Union of the Americas, Spain "
    "and Portugal (UPAEP).",
    "## Philately today",
    "Every year Correo Uruguayo issues stamps on the country's culture, nature and history: "
    "carnival and candombe, national painters, wetlands and native wildlife, great sporting "
    "triumphs. Since 2002 every stamp has been registered in the UPU's WADP Numbering System "
    "(WNS), with numbers such as UY003.18.",
)

ABOUT_ES = p(
    "El Correo Uruguayo es la empresa pública que presta el servicio postal universal en los "
    "diecinueve departamentos del país, con una red de sucursales y agencias que llega a cada "
    "ciudad y pueblo.",
    "## Filatelia",
    "El Departamento de Filatelia prepara el programa anual de emisiones junto con artistas, "
    "instituciones y organizaciones de la sociedad civil, y conserva el archivo de sellos, "
    "pruebas y matasellos desde el siglo XIX.",
    "## La Tienda Filatélica",
    "En stamps.uy.post vendemos las novedades y el fondo de emisiones a su valor facial: "
    "sellos, series, hojas block, sobres de primer día y carpetas. Enviamos a todo el mundo "
    "por correo certificado, con número de seguimiento.",
)

ABOUT_EN = p(
    "Correo Uruguayo is the public company that provides the universal postal service in the "
    "country's nineteen departments, through a network of branches and agencies that reaches "
    "every town.",
    "## Philately",
    "The Philately Department prepares the yearly issue programme with artists, institutions "
    "and civil society, and keeps the archive of stamps, proofs and postmarks going back to the "
    "nineteenth century.",
    "## The Philatelic Store",
    "On stamps.uy.post we sell new issues and back issues at face value: stamps, sets, "
    "souvenir sheets, first day covers and presentation packs. We ship worldwide by registered "
    "mail with tracking.",
)

FAQ_ES = p(
    "## ¿Los sellos se venden a su valor facial?",
    "Sí. Los sellos nuevos se venden a su valor facial; los sobres de primer día y las carpetas "
    "incluyen el costo del sobre o de la carpeta. Los sellos usados tienen precio propio.",
    "## ¿Qué significa «usado» y «matasellado de favor»?",
    "Un sello usado circuló en el correo. Uno matasellado de favor (CTO) fue matasellado por el "
    "Correo sin circular, como lo prefieren algunos coleccionistas.",
    "## ¿Qué es el número WNS?",
    "Es el número con que la UPU registra cada sello desde 2002: UY003.18 es el tercer sello "
    "uruguayo registrado en 2018. Garantiza que el sello es una emisión oficial.",
    "## ¿Envían al exterior?",
    "Sí, a todo el mundo, por correo certificado. Los envíos llevan la declaración de aduana "
    "CN22 o CN23 que corresponda.",
    "## ¿Puedo pagar sin tarjeta de crédito?",
    "Sí. Puede pagar por transferencia bancaria o en cualquier sucursal del Correo con la "
    "referencia de pago que recibe al confirmar el pedido.",
    "## ¿Puedo recibir las novedades automáticamente?",
    "Active las alertas de nuevas emisiones en su cuenta y le avisaremos de cada lanzamiento.",
)

FAQ_EN = p(
    "## Are stamps sold at face value?",
    "Yes. New stamps are sold at face value; first day covers and presentation packs include "
    "the cost of the cover or the pack. Used stamps have their own price.",
    "## What do “used” and “cancelled to order” mean?",
    "A used stamp went through the post. A cancelled-to-order (CTO) stamp was postmarked by "
    "the post without travelling, as some collectors prefer.",
    "## What is the WNS number?",
    "The number the UPU gives every stamp since 2002: UY003.18 is the third Uruguayan stamp "
    "registered in 2018. It shows that the stamp is an official issue.",
    "## Do you ship abroad?",
    "Yes, worldwide, by registered mail. Parcels carry the CN22 or CN23 customs declaration "
    "they need.",
    "## Can I pay without a credit card?",
    "Yes. Pay by bank transfer or at any post office branch with the payment reference you get "
    "when you place the order.",
    "## Can I receive new issues automatically?",
    "Turn on new-issue alerts in your account and we will tell you about every release.",
)

PAGES = {
    "history": ({"es": "Historia de la Filatelia", "en": "History of Philately"},
                {"es": HISTORY_ES, "en": HISTORY_EN}),
    "about": ({"es": "Nuestra empresa", "en": "About us"}, {"es": ABOUT_ES, "en": ABOUT_EN}),
    "faq": ({"es": "Preguntas frecuentes", "en": "Frequently asked questions"},
            {"es": FAQ_ES, "en": FAQ_EN}),
}

NEWS = (
    NewsSpec(
        "sellos-diligencia-170-anos", date(2026, 10, 1),
        {"es": "170 años de los sellos «Diligencia»",
         "en": "170 years of the “Diligencia” stamps"},
        {"es": "Celebramos el aniversario de los primeros sellos uruguayos con una hoja block de "
               "tres sellos que reproduce los «soles de Montevideo».",
         "en": "We celebrate the anniversary of Uruguay's first stamps with a souvenir sheet of "
               "three stamps reproducing the “Montevideo Suns”."}),
    NewsSpec(
        "montevideo-300-anos", date(2026, 3, 2),
        {"es": "Montevideo 300 años en sellos", "en": "Montevideo at 300 on stamps"},
        {"es": "La emisión recorre la Ciudadela, la bahía y la Ciudad Vieja.",
         "en": "The issue visits the Citadel, the bay and the Old City."}),
    NewsSpec(
        "bicentenario-independencia", date(2025, 8, 25),
        {"es": "Bicentenario de la Declaratoria de la Independencia",
         "en": "Bicentenary of the Declaration of Independence"},
        {"es": "Hoja block conmemorativa con matasellos especial de primer día en La Florida.",
         "en": "A commemorative souvenir sheet with a special first-day postmark in La Florida."}),
    NewsSpec(
        "tienda-en-el-post-mall", date(2025, 4, 7),
        {"es": "La Tienda Filatélica en el Post Mall",
         "en": "The Philatelic Store joins the Post Mall"},
        {"es": "Ahora puede comprar sellos uruguayos junto con los de otros correos en un solo "
               "carrito y pagar una sola vez, en su moneda.",
         "en": "You can now buy Uruguayan stamps together with other posts' stamps in one cart "
               "and pay once, in your own currency."}),
    NewsSpec(
        "upu-150-anos", date(2024, 10, 9),
        {"es": "Día Mundial del Correo: 150 años de la UPU",
         "en": "World Post Day: 150 years of the UPU"},
        {"es": "Un sello celebra el aniversario del Tratado de Berna de 1874.",
         "en": "A stamp marks the anniversary of the 1874 Treaty of Bern."}),
    NewsSpec(
        "colombes-centenario", date(2024, 6, 9),
        {"es": "Centenario de Colombes", "en": "Centenary of Colombes"},
        {"es": "Recordamos el primer título olímpico de la Celeste, en París 1924.",
         "en": "We remember La Celeste's first Olympic title, Paris 1924."}),
    NewsSpec(
        "alertas-de-novedades", date(2023, 11, 15),
        {"es": "Reciba las novedades por correo electrónico",
         "en": "Get new issues by e-mail"},
        {"es": "Active las alertas de nuevas emisiones en su cuenta y no se pierda ningún "
               "lanzamiento.",
         "en": "Turn on new-issue alerts in your account and never miss a release."}),
)
