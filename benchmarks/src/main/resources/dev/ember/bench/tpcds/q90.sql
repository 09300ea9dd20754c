-- the ratio of two single-row counts (morning and evening web sales); the template's subquery alias at is am;
-- the divisor is nullif(pmc, 0): at small scales no web page has 5000-5200 characters, both counts are 0, and
-- Spark's ANSI mode fails on 0/0 where the ratio is null instead
select cast(amc as decimal(15, 4)) / nullif(cast(pmc as decimal(15, 4)), 0) am_pm_ratio
from (select count(*) amc
      from web_sales, household_demographics, time_dim, web_page
      where ws_sold_time_sk = time_dim.t_time_sk
        and ws_ship_hdemo_sk = household_demographics.hd_demo_sk
        and ws_web_page_sk = web_page.wp_web_page_sk
        and time_dim.t_hour between 8 and 8 + 1
        and household_demographics.hd_dep_count = 6
        and web_page.wp_char_count between 5000 and 5200) am,
     (select count(*) pmc
      from web_sales, household_demographics, time_dim, web_page
      where ws_sold_time_sk = time_dim.t_time_sk
        and ws_ship_hdemo_sk = household_demographics.hd_demo_sk
        and ws_web_page_sk = web_page.wp_web_page_sk
        and time_dim.t_hour between 19 and 19 + 1
        and household_demographics.hd_dep_count = 6
        and web_page.wp_char_count between 5000 and 5200) pm
order by am_pm_ratio
limit 100
