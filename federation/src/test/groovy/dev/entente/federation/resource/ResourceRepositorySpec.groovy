package dev.entente.federation.resource

import com.zaxxer.hikari.HikariDataSource
import dev.entente.lifecycle.db.DataContext
import dev.entente.testkit.PostgresFixture
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification

/**
 * Issue 12 (Micronaut Data JDBC): exported resources are read and deleted through the generated
 * repository and written by the hand-written upsert, and the two agree on every column.
 */
class ResourceRepositorySpec extends Specification {
    @Shared @AutoCleanup('close') HikariDataSource dataSource = PostgresFixture.migratedDatabase().dataSource()
    @Shared @AutoCleanup DataContext data = DataContext.over(dataSource)
    @Shared List<String> changed = []
    @Shared ResourceRepository resources = new ResourceRepository(data.tx(), data.bean(ResourceTable), { k, n -> changed << "$k/$n".toString() })

    def "a put is read back as written, replaced by the next put, listed by kind and name, and deleted once"() {
        when:
        def first = resources.put('db', 'orders', 'i-1', 'net-a', [region: 'eu', tier: 'gold'])
        def replaced = resources.put('db', 'orders', 'i-2', null, [region: 'us'])
        resources.put('cache', 'sessions', null, null, [:])

        then:
        first.attributes() == [region: 'eu', tier: 'gold']
        resources.get('db', 'orders').get() == replaced
        replaced.instanceId() == 'i-2' && replaced.networkId() == null && replaced.attributes() == [region: 'us']
        !replaced.updatedAt().isBefore(first.updatedAt())
        resources.list().collect { "${it.kind()}/${it.name()}".toString() } == ['cache/sessions', 'db/orders']

        when:
        boolean once = resources.delete('db', 'orders')
        boolean twice = resources.delete('db', 'orders')

        then:
        once && !twice
        !resources.get('db', 'orders').present
        changed == ['db/orders', 'db/orders', 'cache/sessions', 'db/orders', 'db/orders']
    }
}
